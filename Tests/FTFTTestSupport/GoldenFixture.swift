import Foundation
import FTFTIO

/// A golden fixture file written by `golden/ftft_fixture.py`: named tensors from an independent reference
/// (PyTorch, numpy). Layout, little-endian:
///
///     magic "FTFTGOLD" (8 bytes) | u32 version = 1 | u32 tensor count | u32 n + n bytes of JSON metadata
///     per tensor: u16 n + n bytes of UTF-8 name | u8 dtype (0 f32, 1 i64, 2 f64) | u8 rank | rank × i64 dims | data
///
/// Before reading, the file's SHA-256 is checked against `golden/manifest.json`; a stale or unknown fixture
/// fails with the command that regenerates it.
public struct GoldenFixture {
    public enum DType: UInt8 { case f32 = 0, i64 = 1, f64 = 2 }

    public struct Entry {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        public let floats: [Float]   // f32 and f64 entries (f64 rounded); empty for i64
        public let doubles: [Double] // f64 entries at full precision; f32 widened
        public let ints: [Int64]     // i64 entries
    }

    public struct FixtureError: Error, CustomStringConvertible {
        public let description: String
    }

    public let file: String
    public let metadata: [String: Any]
    public let entries: [String: Entry]
    public let order: [String]

    /// Loads `golden/<file>` after checking it against the manifest.
    public init(_ file: String) throws {
        let data = try Self.verifiedData(file)
        self.file = file
        var reader = ByteReader(data: data, file: file)
        guard try reader.bytes(8) == Array("FTFTGOLD".utf8) else {
            throw FixtureError(description: "\(file): bad magic")
        }
        let version = try reader.u32()
        guard version == 1 else { throw FixtureError(description: "\(file): unsupported version \(version)") }
        let count = Int(try reader.u32())
        let metaLength = Int(try reader.u32())
        let metaBytes = try reader.bytes(metaLength)
        metadata = (try? JSONSerialization.jsonObject(with: Data(metaBytes)) as? [String: Any]) ?? [:]
        var entries: [String: Entry] = [:]
        var order: [String] = []
        for _ in 0..<count {
            let nameLength = Int(try reader.u16())
            guard let name = String(bytes: try reader.bytes(nameLength), encoding: .utf8) else {
                throw FixtureError(description: "\(file): tensor name is not UTF-8")
            }
            guard let dtype = DType(rawValue: try reader.u8()) else {
                throw FixtureError(description: "\(file): tensor \(name) has an unknown dtype")
            }
            let rank = Int(try reader.u8())
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(Int(try reader.i64())) }
            let n = shape.reduce(1, *)
            var floats: [Float] = [], doubles: [Double] = [], ints: [Int64] = []
            switch dtype {
            case .f32:
                floats = try reader.f32s(n)
                doubles = floats.map(Double.init)
            case .f64:
                doubles = try reader.f64s(n)
                floats = doubles.map { Float($0) }
            case .i64:
                ints = try (0..<n).map { _ in try reader.i64() }
            }
            entries[name] = Entry(name: name, dtype: dtype, shape: shape, floats: floats, doubles: doubles, ints: ints)
            order.append(name)
        }
        self.entries = entries
        self.order = order
    }

    public func entry(_ name: String) throws -> Entry {
        guard let e = entries[name] else {
            throw FixtureError(description: "\(file): no tensor named '\(name)' (has \(order.prefix(8).joined(separator: ", "))…)")
        }
        return e
    }

    public func floats(_ name: String) throws -> [Float] { try entry(name).floats }
    public func ints(_ name: String) throws -> [Int] { try entry(name).ints.map { Int($0) } }
    public func shape(_ name: String) throws -> [Int] { try entry(name).shape }

    /// Compares `actual` with the fixture tensor `name` under `tolerance`.
    public func compare(_ name: String, actual: [Float], shape: [Int], tolerance: Tolerance, label: String? = nil) throws -> Comparison {
        let e = try entry(name)
        return FTFTTestSupport.compare(label ?? "\(file):\(name)", actual: actual, actualShape: shape,
                                       expected: e.floats, expectedShape: e.shape, tolerance: tolerance)
    }

    /// The bytes of `golden/<file>` — any file a generator recorded in golden/manifest.json (tensor fixtures,
    /// JSON, gzip JSONL) — after checking its SHA-256 against the manifest. A missing, unrecorded or stale file
    /// throws a `FixtureError` naming the command that regenerates it.
    public static func verifiedData(_ file: String) throws -> Data {
        let data: Data
        do { data = try Data(contentsOf: PackagePaths.golden.appendingPathComponent(file)) } catch {
            throw FixtureError(description: "golden fixture \(file) is missing: \(regenerateHint(file))")
        }
        return try verified(file: file, data: data)
    }

    /// The URL of any golden file recorded with `record_file` (JSONL, text), after the same manifest check.
    public static func verifiedURL(_ file: String) throws -> URL {
        _ = try verifiedData(file)
        return PackagePaths.golden.appendingPathComponent(file)
    }

    static func verified(file: String, data: Data) throws -> Data {
        let manifestURL = PackagePaths.golden.appendingPathComponent("manifest.json")
        guard let manifestData = try? Data(contentsOf: manifestURL),
              let manifest = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any],
              let files = manifest["files"] as? [String: Any],
              let record = files[file] as? [String: Any],
              let expected = record["sha256"] as? String
        else {
            throw FixtureError(description: "golden/manifest.json has no entry for \(file): \(regenerateHint(file))")
        }
        let actual = SHA256.hex(of: data)
        guard actual == expected else {
            let generator = (record["generator"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent }
            throw FixtureError(description: "golden fixture \(file) is stale (sha256 \(actual), manifest \(expected)): \(regenerateHint(file, generator: generator))")
        }
        return data
    }

    static func regenerateHint(_ file: String, generator: String? = nil) -> String {
        let command = ["golden/generate.sh", generator].compactMap { $0 }.joined(separator: " ")
        return "regenerate with `\(command)` (see golden/README.md), which rewrites golden/\(file) and golden/manifest.json"
    }
}

struct ByteReader {
    let data: Data
    let file: String
    var offset = 0

    init(data: Data, file: String) {
        self.data = data
        self.file = file
    }

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        guard n >= 0, offset + n <= data.count else {
            throw GoldenFixture.FixtureError(description: "\(file): truncated at byte \(offset)")
        }
        defer { offset += n }
        return Array(data[data.startIndex + offset ..< data.startIndex + offset + n])
    }

    mutating func u8() throws -> UInt8 { try bytes(1)[0] }
    mutating func u16() throws -> UInt16 { let b = try bytes(2); return UInt16(b[0]) | UInt16(b[1]) << 8 }
    mutating func u32() throws -> UInt32 {
        let b = try bytes(4)
        return b.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }
    mutating func i64() throws -> Int64 {
        let b = try bytes(8)
        return Int64(bitPattern: b.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
    }
    mutating func f32s(_ n: Int) throws -> [Float] {
        let b = try bytes(4 * n)
        return (0..<n).map { i in
            Float(bitPattern: UInt32(b[4*i]) | UInt32(b[4*i+1]) << 8 | UInt32(b[4*i+2]) << 16 | UInt32(b[4*i+3]) << 24)
        }
    }
    mutating func f64s(_ n: Int) throws -> [Double] {
        let b = try bytes(8 * n)
        return (0..<n).map { i in
            var bits: UInt64 = 0
            for j in 0..<8 { bits |= UInt64(b[8*i+j]) << (8 * UInt64(j)) }
            return Double(bitPattern: bits)
        }
    }
}
