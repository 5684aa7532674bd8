import FTFTTestSupport
import Foundation

/// Writes small data files for reader tests into a fresh temporary folder.
struct TestFiles {
    let folder: URL

    init() throws { folder = try PackagePaths.temporaryDirectory("ftft-data") }

    /// Writes `bytes` as `name` and returns its path.
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func write(_ name: String, _ text: String) throws -> String { try write(name, bytes: Array(text.utf8)) }

    /// A path in the folder where nothing exists.
    func missing(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// `bytes` as a gzip member (RFC 1952) holding one stored (uncompressed) deflate block (RFC 1951 §3.2.4),
    /// built by hand so tests need no compressor. At most 65,535 bytes.
    static func gzipStored(_ bytes: [UInt8]) -> [UInt8] {
        precondition(bytes.count <= 0xFFFF)
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF]
        let length = UInt16(bytes.count)
        out += [0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        out += bytes
        out += littleEndian(crc32(bytes)) + littleEndian(UInt32(bytes.count))
        return out
    }

    /// CRC-32 as gzip uses it (reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}
