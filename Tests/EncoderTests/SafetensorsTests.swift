import Foundation
import Testing
@testable import FTFTEncoder
import FTFTTensors
import FTFTTestSupport

/// Writes a raw safetensors file: `lengthOverride` (or the header's length), the header bytes, then `data`.
func writeRawSafetensors(_ directory: URL, _ name: String, header: String, data: [UInt8],
                         lengthOverride: UInt64? = nil) throws -> String {
    var bytes: [UInt8] = []
    let headerBytes = Array(header.utf8)
    let length = lengthOverride ?? UInt64(headerBytes.count)
    for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
    bytes += headerBytes + data
    let path = directory.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

func littleEndianBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
}

@Suite("Safetensors")
struct SafetensorsTests {
    @Test("write then read: F32 values bit-exact, shapes, order and metadata kept")
    func roundTrip() throws {
        let dir = try PackagePaths.temporaryDirectory()
        let path = dir.appendingPathComponent("w.safetensors").path
        var stream = SeededRandom(seed: 7).stream(.testing)
        let arena = Tensor(zeros: [40])
        stream.fillNormal(arena.data, count: 40, mean: 0, std: 3)
        arena[3] = -0.0
        arena[4] = .leastNonzeroMagnitude
        let extra: [Float] = [1, -2.5, .greatestFiniteMagnitude]
        try SafetensorsFile.write(path: path, tensors: [
            SafetensorsTensor(name: "a.weight", shape: [3, 5], tensor: arena, offset: 0),
            SafetensorsTensor(name: "b \"quoted\"\n", shape: [25], tensor: arena, offset: 15),
            SafetensorsTensor(name: "scalar-ish", shape: [3], values: extra),
            SafetensorsTensor(name: "empty", shape: [0, 4], values: []),
        ], metadata: ["format": "pt", "note": "tab\there"])

        let file = try SafetensorsFile(path: path)
        #expect(file.metadata == ["format": "pt", "note": "tab\there"])
        #expect(file.names == ["a.weight", "b \"quoted\"\n", "scalar-ish", "empty"])
        #expect(file.info("a.weight")?.shape == [3, 5])
        #expect(file.info("a.weight")?.dtype == .f32)
        let a = try file.floats("a.weight"), b = try file.floats("b \"quoted\"\n")
        #expect((a + b).map(\.bitPattern) == arena.array.map(\.bitPattern))
        #expect(try file.floats("scalar-ish").map(\.bitPattern) == extra.map(\.bitPattern))
        #expect(try file.floats("empty").isEmpty)
        // The data section starts 8-byte aligned, as the writer promises.
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = raw.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect((8 + headerLength) % 8 == 0)
        // Deterministic bytes: writing again gives the same file.
        let again = dir.appendingPathComponent("again.safetensors").path
        try SafetensorsFile.write(path: again, tensors: [
            SafetensorsTensor(name: "a.weight", shape: [3, 5], tensor: arena, offset: 0),
            SafetensorsTensor(name: "b \"quoted\"\n", shape: [25], tensor: arena, offset: 15),
            SafetensorsTensor(name: "scalar-ish", shape: [3], values: extra),
            SafetensorsTensor(name: "empty", shape: [0, 4], values: []),
        ], metadata: ["note": "tab\there", "format": "pt"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == raw)
    }

    @Test("F16 → F32 agrees with Swift's Float16 for all 65,536 bit patterns; BF16 is the upper half of F32")
    func halfConversions() throws {
        #if !(os(macOS) && arch(x86_64))
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = floatFromHalfBits(bits)
            #expect(actual.bitPattern == expected.bitPattern || (actual.isNaN && expected.isNaN),
                    "half 0x\(String(bits, radix: 16))")
            if actual.bitPattern != expected.bitPattern && !(actual.isNaN && expected.isNaN) { return }
        }
        #endif
        var stream = SeededRandom(seed: 3).stream(.testing)
        for _ in 0..<1000 {
            let f = stream.nextNormal() * 100
            let truncated = Float(bitPattern: f.bitPattern & 0xFFFF_0000)
            #expect(floatFromBFloat16Bits(UInt16(f.bitPattern >> 16)) == truncated)
        }
    }

    @Test("F16 and BF16 tensors in a file are read as Float32")
    func readsHalfTypes() throws {
        let dir = try PackagePaths.temporaryDirectory()
        #if !(os(macOS) && arch(x86_64))
        let halves: [Float16] = [1, -2.5, 65504, 0.000061035156, -0.0]
        let halfBytes = halves.flatMap { h in [UInt8(h.bitPattern & 0xFF), UInt8(h.bitPattern >> 8)] }
        let brain: [Float] = [1, -3.140625, 1.0e30]
        let brainBytes = brain.flatMap { f in [UInt8((f.bitPattern >> 16) & 0xFF), UInt8(f.bitPattern >> 24)] }
        let header = #"{"h":{"dtype":"F16","shape":[5],"data_offsets":[0,10]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[10,16]}}"#
        let path = try writeRawSafetensors(dir, "half.safetensors", header: header, data: halfBytes + brainBytes)
        let file = try SafetensorsFile(path: path)
        #expect(try file.floats("h") == halves.map { Float($0) })
        #expect(try file.floats("b") == brain.map { Float(bitPattern: $0.bitPattern & 0xFFFF_0000) })
        #endif
    }

    @Test("an I64 buffer can be read as integers but not as floats")
    func int64Buffer() throws {
        let dir = try PackagePaths.temporaryDirectory()
        let ids: [Int64] = [0, 1, 2, -7]
        let data = ids.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * Int64($0))) } }
        let path = try writeRawSafetensors(dir, "ids.safetensors",
                                           header: #"{"position_ids":{"dtype":"I64","shape":[1,4],"data_offsets":[0,32]}}"#, data: data)
        let file = try SafetensorsFile(path: path)
        #expect(try file.int64s("position_ids") == ids)
        #expect(throws: EncoderError.unsupportedDType(file: path, tensor: "position_ids", dtype: "I64")) {
            try file.floats("position_ids")
        }
    }

    @Test("bytes in memory open exactly like the file holding them, errors included, and outlive the caller's buffer")
    func fromBytes() throws {
        let dir = try PackagePaths.temporaryDirectory()
        let header = #"{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"h":{"dtype":"F16","shape":[2],"data_offsets":[8,12]}}"#
        let path = try writeRawSafetensors(dir, "m.safetensors", header: header,
                                           data: littleEndianBytes([1.5, -2]) + [0x00, 0x3C, 0x00, 0xC0])
        let fromFile = try SafetensorsFile(path: path)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let fromMemory = try bytes.withUnsafeBytes { try SafetensorsFile(bytes: $0, path: "memory") }
        bytes = []
        #expect(fromMemory.tensors == fromFile.tensors)
        #expect(fromMemory.metadata == ["k": "v"])
        #expect(try fromMemory.floats("w") == [1.5, -2])
        #expect(try fromMemory.floats("h") == [1, -2])

        #expect(throws: EncoderError.malformedSafetensors(file: "memory", reason: "the file has 0 bytes, fewer than the 8-byte header length")) {
            try SafetensorsFile(bytes: UnsafeRawBufferPointer(start: nil, count: 0), path: "memory")
        }
        let truncated = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))).dropLast()
        #expect(throws: EncoderError.tensorOutOfBounds(file: "memory", tensor: "h", reason: "data_offsets 8..<12 end past the data section (11 bytes)")) {
            try Array(truncated).withUnsafeBytes { try SafetensorsFile(bytes: $0, path: "memory") }
        }
    }

    @Test("an empty tensor of a dtype ftft does not convert is refused like a non-empty one (found by fuzzing)")
    func emptyTensorOfUnreadableDType() throws {
        let dir = try PackagePaths.temporaryDirectory()
        let path = try writeRawSafetensors(dir, "e.safetensors", header: #"{"e":{"dtype":"F64","shape":[0,3],"data_offsets":[0,0]}}"#, data: [])
        let file = try SafetensorsFile(path: path)
        #expect(throws: EncoderError.unsupportedDType(file: path, tensor: "e", dtype: "F64")) { try file.floats("e") }
    }

    @Test("the real MiniLM-L6 file: 103 F32 tensors plus the I64 position_ids buffer",
          .enabled(if: SharedData.isAvailable("models/minilm-l6-h384/model.safetensors"), Comment(rawValue: SharedData.skipMessage)))
    func realFile() throws {
        let url = try SharedData.require("models/minilm-l6-h384/model.safetensors")
        let file = try SafetensorsFile(path: url.path)
        #expect(file.tensors.count == 104)
        #expect(file.tensors.filter { $0.dtype == .f32 }.count == 103)
        #expect(file.metadata["format"] == "pt")
        #expect(try file.int64s("embeddings.position_ids") == (0..<512).map(Int64.init))
        #expect(file.info("embeddings.word_embeddings.weight")?.shape == [30522, 384])
        let gamma = try file.floats("embeddings.LayerNorm.weight")
        #expect(gamma.count == 384 && gamma.allSatisfy(\.isFinite))
    }
}
