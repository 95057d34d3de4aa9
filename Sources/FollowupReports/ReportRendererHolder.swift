import Synchronization

/// The renderer in force, replaced as a whole on reload (like the configuration it comes from).
public final class ReportRendererHolder: Sendable {
    private let value: Mutex<ReportRenderer>

    public init(_ renderer: ReportRenderer) { value = Mutex(renderer) }

    /// The renderer now in force.
    public var current: ReportRenderer { value.withLock { $0 } }

    /// Puts `renderer` in force for every later report.
    public func replace(with renderer: ReportRenderer) { value.withLock { $0 = renderer } }
}
