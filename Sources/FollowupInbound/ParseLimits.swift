import Foundation

/// Bounds on the work one inbound message may cause, so hostile or broken mail cannot exhaust
/// the daemon.
///
/// Two kinds of bound: a message over ``maxHeaderBytes``, ``maxDepth`` or ``maxParts`` is refused
/// with an ``InboundError`` (no legitimate reply comes near them); ``maxBodyBytes`` and
/// ``maxTextBytes`` truncate instead (the text the desk needs comes first), and the message says
/// so in ``InboundMessage/isTruncated``. Attachments are never decoded, whatever their size: only
/// their name, type and size are read.
public struct ParseLimits: Sendable, Hashable {
    /// The longest header section of the message itself, in bytes; longer throws
    /// ``InboundError/Code/headerTooLarge``. A MIME part's own header section is cut at this size.
    public var maxHeaderBytes: Int { didSet { maxHeaderBytes = max(1, maxHeaderBytes) } }
    /// How many bytes of the body are considered; the rest is ignored (``InboundMessage/isTruncated``).
    public var maxBodyBytes: Int { didSet { maxBodyBytes = max(1, maxBodyBytes) } }
    /// How deep multiparts may nest (the message's own body is depth 1); deeper throws
    /// ``InboundError/Code/nestingTooDeep``.
    public var maxDepth: Int { didSet { maxDepth = max(1, maxDepth) } }
    /// How many MIME parts (multipart containers included) a message may have; more throws
    /// ``InboundError/Code/tooManyParts``.
    public var maxParts: Int { didSet { maxParts = max(1, maxParts) } }
    /// The longest text kept from one text part, in decoded bytes; the rest is cut
    /// (``InboundMessage/isTruncated``).
    public var maxTextBytes: Int { didSet { maxTextBytes = max(1, maxTextBytes) } }

    /// Limits as given; values below 1 are taken as 1 (here and when a limit is changed later).
    public init(maxHeaderBytes: Int, maxBodyBytes: Int, maxDepth: Int, maxParts: Int, maxTextBytes: Int) {
        self.maxHeaderBytes = max(1, maxHeaderBytes)
        self.maxBodyBytes = max(1, maxBodyBytes)
        self.maxDepth = max(1, maxDepth)
        self.maxParts = max(1, maxParts)
        self.maxTextBytes = max(1, maxTextBytes)
    }

    /// 256 KiB of header, 25 MiB of body, 20 levels of nesting, 500 parts, 1 MiB of text per part.
    public static let standard = ParseLimits(
        maxHeaderBytes: 256 * 1024, maxBodyBytes: 25 * 1024 * 1024, maxDepth: 20, maxParts: 500,
        maxTextBytes: 1024 * 1024)
}
