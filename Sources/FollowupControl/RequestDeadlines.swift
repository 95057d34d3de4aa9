import NIOCore
import NIOHTTP1

/// Deadlines for the parts of a request the client sends: its head must arrive whole within
/// `head` of the connection's start or of the previous answer's last byte (an idle keep-alive
/// connection closes then), its body within `body` of the head (408 and a close after that).
///
/// The deadlines are fixed instants, so a client trickling one byte at a time cannot stretch
/// them. While a request is being carried out and answered there is no deadline here: a
/// request that has started committing is always answered (the answer's own pace is watched
/// by ``ControlServer/write(_:keepAlive:to:stall:)``).
final class RequestDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Phase {
        case awaitingHead, readingBody, answering
    }

    private let head: TimeAmount
    private let body: TimeAmount
    private var phase = Phase.awaitingHead
    /// A 408 was sent: the connection is closing.
    private var timedOut = false
    private var deadline: Scheduled<Void>?

    init(head: TimeAmount, body: TimeAmount) {
        self.head = head
        self.body = body
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(head, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if deadline == nil, phase == .awaitingHead { arm(head, context: context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After a 408 nothing more of the request goes on: it is never carried out.
        guard !timedOut else { return }
        switch unwrapInboundIn(data) {
        case .head:
            phase = .readingBody
            arm(body, context: context)
        case .body:
            break
        case .end:
            phase = .answering
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        // The next request's head is due from the moment this answer has left whole (unless a
        // pipelined one has already begun).
        let written = promise ?? context.eventLoop.makePromise()
        written.futureResult.assumeIsolated().whenSuccess { [self] in
            guard phase == .answering else { return }
            phase = .awaitingHead
            arm(head, context: context)
        }
        context.write(data, promise: written)
    }

    private func arm(_ span: TimeAmount, context: ChannelHandlerContext) {
        disarm()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: span) { [self] in
            deadline = nil
            expire(context: context)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }

    /// Past a deadline: a request half received is answered 408; then the connection closes.
    private func expire(context: ChannelHandlerContext) {
        guard phase == .readingBody else {
            if phase == .awaitingHead { context.close(promise: nil) }
            return
        }
        phase = .answering
        timedOut = true
        let response = HTTPResponse.requestTimeout
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: response.contentType)
        headers.add(name: "content-length", value: String(response.body.readableBytes))
        headers.add(name: "connection", value: "close")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
