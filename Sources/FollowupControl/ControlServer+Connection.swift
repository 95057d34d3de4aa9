import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

extension ControlServer {
    /// Serves one connection: requests in order, keep-alive, until the peer or shutdown closes it.
    ///
    /// Why answers are written this way: a large answer is more than the kernel buffers for the
    /// socket (about 210 KB for a Unix socket here). Handing it to NIO returns before the bytes
    /// have left, and closing the channel then (`executeThenClose` closes as soon as its body
    /// returns) fails the writes still pending, so the client got the first ~210 KB and a
    /// closed connection. Each answer is therefore written piece by piece, every piece awaited
    /// until the kernel has taken it, so the connection closes only after the last byte and at
    /// the pace the client reads, holding no more than the answer itself in memory.
    func serve(_ connection: Connection) async {
        let channel = connection.channel
        let stall = limits.writeStall
        let admitted = open.wrappingAdd(1, ordering: .relaxed).newValue <= limits.connections
        defer { open.wrappingSubtract(1, ordering: .relaxed) }
        guard admitted else {
            logger.notice(
                "control connection refused: too many open connections",
                metadata: ["followup.event": "control_busy", "followup.limit": "\(limits.connections)"])
            try? await connection.executeThenClose { _ in await Self.turnAway(channel) }
            return
        }
        let peer: Peer?
        if case .tcp = listener {
            peer = nil
        } else {
            peer = try? await Peer.read(from: channel)
        }
        do {
            try await withGracefulShutdownHandler {
                try await connection.executeThenClose { inbound in
                    var head: HTTPRequestHead?
                    var body = ByteBuffer()
                    var tooLarge = false
                    for try await part in inbound {
                        switch part {
                        case .head(let requestHead):
                            // Refused from the head alone: no byte of the body is read or kept.
                            if let refusal = api.admit(requestHead, from: peer) {
                                try await Self.write(refusal, keepAlive: false, to: channel, stall: stall)
                                return
                            }
                            let declared = requestHead.headers.first(name: "content-length").flatMap(Int.init) ?? 0
                            if declared > Self.maxBody {
                                try await Self.write(.tooLarge, keepAlive: false, to: channel, stall: stall)
                                return
                            }
                            head = requestHead
                            body.clear()
                            tooLarge = false
                        case .body(var chunk):
                            if body.readableBytes + chunk.readableBytes > Self.maxBody {
                                tooLarge = true
                                body.clear()
                            } else if !tooLarge {
                                body.writeBuffer(&chunk)
                            }
                        case .end:
                            guard let requestHead = head else { return }
                            let keepAlive = requestHead.isKeepAlive && !tooLarge
                            let response =
                                tooLarge
                                ? .tooLarge
                                : await api.respond(to: HTTPRequest(head: requestHead, body: body), from: peer)
                            do {
                                try await Self.write(response, keepAlive: keepAlive, to: channel, stall: stall)
                            } catch {
                                // The request was carried out; only its answer was lost.
                                logUndelivered(requestHead, response: response, error: error)
                                throw error
                            }
                            if !keepAlive { return }
                            head = nil
                            body.clear()
                        }
                    }
                }
            } onGracefulShutdown: {
                channel.close(mode: .input, promise: nil)
            }
        } catch {
            logger.debug("control connection ended", metadata: ["followup.error": "\(error)"])
        }
    }

    /// Answers 503 on a connection over the cap, before any request is read, and returns once
    /// the bytes have left. The answer is written below the HTTP handlers (they would take an
    /// answer without a request for a bug and stop the process), straight to the socket.
    static func turnAway(_ channel: any Channel) async {
        let answer = HTTPResponse.tooManyConnections
        var bytes = ByteBuffer(
            string: "HTTP/1.1 503 Service Unavailable\r\ncontent-type: \(answer.contentType)\r\n"
                + "content-length: \(answer.body.readableBytes)\r\nretry-after: 1\r\nconnection: close\r\n\r\n")
        bytes.writeImmutableBuffer(answer.body)
        let raw = bytes
        try? await channel.eventLoop.flatSubmit {
            do {
                let encoder = try channel.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
                return encoder.writeAndFlush(NIOAny(raw))
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }.get()
    }

    /// Says that a request was answered but the client left before reading the answer, so
    /// nobody is left to believe that a change which did happen did not.
    private func logUndelivered(_ head: HTTPRequestHead, response: HTTPResponse, error: any Error) {
        let path = head.uri.prefix { $0 != "?" }
        logger.notice(
            "control answer not delivered: the client left before reading it",
            metadata: [
                "followup.event": "control_answer_lost", "followup.request": "\(head.method.rawValue) \(path)",
                "followup.status": "\(response.status.code)", "followup.error": "\(error)",
            ])
    }

    /// Writes one answer whole and returns once the kernel holds its last byte.
    ///
    /// The body goes in pieces of 64 KiB, each awaited: that is the back-pressure (nothing
    /// beyond the answer is buffered) and the measure of progress (a client that takes no
    /// piece within `stall` is cut off; one that reads slowly is not). A small answer is one
    /// flush.
    static func write(_ response: HTTPResponse, keepAlive: Bool, to channel: any Channel, stall: TimeAmount)
        async throws
    {
        var headers = response.headers
        headers.replaceOrAdd(name: "content-type", value: response.contentType)
        headers.replaceOrAdd(name: "content-length", value: String(response.body.readableBytes))
        headers.replaceOrAdd(name: "connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        var body = response.body
        while let piece = body.readSlice(length: min(body.readableBytes, 1 << 16)), piece.readableBytes > 0 {
            let part = HTTPServerResponsePart.body(.byteBuffer(piece))
            if body.readableBytes == 0 {
                channel.write(part, promise: nil)
            } else {
                try await awaitWritten(channel.writeAndFlush(part), on: channel, stall: stall)
            }
        }
        try await awaitWritten(channel.writeAndFlush(HTTPServerResponsePart.end(nil)), on: channel, stall: stall)
    }

    private static func awaitWritten(_ written: EventLoopFuture<Void>, on channel: any Channel, stall: TimeAmount)
        async throws
    {
        let cutOff = channel.eventLoop.scheduleTask(in: stall) { channel.close(promise: nil) }
        defer { cutOff.cancel() }
        try await written.get()
    }
}
