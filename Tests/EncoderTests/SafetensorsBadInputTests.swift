import Foundation
import Testing
@testable import FTFTEncoder
import FTFTTestSupport

/// Every broken file is built here, byte by byte; each must give a typed error naming the file and, where one
/// tensor is at fault, that tensor.
@Suite("Safetensors bad input")
struct SafetensorsBadInputTests {
    let good = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#
    let data = littleEndianBytes([1, 2, 3, 4, 5, 6])

    func open(_ header: String, data: [UInt8]? = nil, lengthOverride: UInt64? = nil) throws -> (String, Result<SafetensorsFile, Error>) {
        let dir = try PackagePaths.temporaryDirectory()
        let path = try writeRawSafetensors(dir, "bad.safetensors", header: header, data: data ?? self.data,
                                           lengthOverride: lengthOverride)
        return (path, Result { try SafetensorsFile(path: path) })
    }

    func expectMalformed(_ result: (String, Result<SafetensorsFile, Error>), containing phrase: String) {
        let (path, outcome) = result
        guard case .failure(let error) = outcome, case EncoderError.malformedSafetensors(let file, let reason) = error else {
            Issue.record("expected malformedSafetensors, got \(outcome)"); return
        }
        #expect(file == path)
        #expect(reason.contains(phrase), "\(reason)")
    }

    func expectTensorError(_ result: (String, Result<SafetensorsFile, Error>), tensor: String, containing phrase: String) {
        let (path, outcome) = result
        guard case .failure(let error) = outcome, case EncoderError.tensorOutOfBounds(let file, let name, let reason) = error else {
            Issue.record("expected tensorOutOfBounds for \(tensor), got \(outcome)"); return
        }
        #expect(file == path)
        #expect(name == tensor)
        #expect(reason.contains(phrase), "\(reason)")
        #expect("\(error)".contains(path) && "\(error)".contains(tensor))
    }

    @Test("the well-formed control file opens")
    func control() throws {
        let (_, result) = try open(good)
        #expect(try result.get().floats("b") == [5, 6])
    }

    @Test("header length past the end of the file, absurdly large, or a file shorter than 8 bytes")
    func headerLength() throws {
        expectMalformed(try open(good, lengthOverride: UInt64(good.utf8.count + 25)), containing: "runs past the end")
        expectMalformed(try open(good, lengthOverride: UInt64.max), containing: "exceeds")
        let dir = try PackagePaths.temporaryDirectory()
        let short = dir.appendingPathComponent("short.safetensors").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: short))
        #expect(throws: EncoderError.malformedSafetensors(file: short, reason: "the file has 3 bytes, fewer than the 8-byte header length")) {
            try SafetensorsFile(path: short)
        }
        let empty = dir.appendingPathComponent("empty.safetensors").path
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect(throws: EncoderError.self) { try SafetensorsFile(path: empty) }
    }

    @Test("a header that is not JSON, not an object, or has non-string metadata")
    func badJSON() throws {
        expectMalformed(try open(#"{"w":{"dtype":"F32","#), containing: "not valid JSON")
        expectMalformed(try open(#"{"w":{"dtype":F32}}"#), containing: "around character 14")  // where it stopped
        expectMalformed(try open(#"[1,2,3]"#), containing: "not a JSON object")
        let meta = #"{"__metadata__":{"format":3},"# + good.dropFirst()
        expectMalformed(try open(String(meta)), containing: "__metadata__ value for 'format'")
    }

    @Test("offsets outside the data, overlapping, leaving a gap, or leaving bytes unaccounted for")
    func badOffsets() throws {
        let outside = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[16,32]}}"#
        expectTensorError(try open(outside), tensor: "b", containing: "past the data section")
        let overlap = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}"#
        expectTensorError(try open(overlap), tensor: "b", containing: "overlaps")
        let gap = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#
        expectTensorError(try open(gap), tensor: "b", containing: "gap")
        let reversed = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[16,0]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#
        expectTensorError(try open(reversed), tensor: "w", containing: "not ordered")
        let notInts = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16.5]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#
        expectTensorError(try open(notInts), tensor: "w", containing: "pair of integers")
        expectMalformed(try open(good, data: data + [0, 0, 0, 0]), containing: "cover 24 bytes of data but the data section has 28")
    }

    @Test("an unknown dtype, and a byte count that does not match shape × dtype size")
    func badDTypeAndShape() throws {
        let (path, result) = try open(#"{"w":{"dtype":"F23","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#)
        guard case .failure(let error) = result else { Issue.record("accepted dtype F23"); return }
        #expect(error as? EncoderError == .unsupportedDType(file: path, tensor: "w", dtype: "F23"))
        let wrongCount = #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#
        expectTensorError(try open(wrongCount), tensor: "w", containing: "needs 24")
        let f16Count = #"{"w":{"dtype":"F16","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#
        expectTensorError(try open(f16Count), tensor: "w", containing: "needs 8")
        let negative = #"{"w":{"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#
        expectTensorError(try open(negative), tensor: "w", containing: "non-negative")
        let huge = #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#
        expectTensorError(try open(huge), tensor: "w", containing: "overflows")
        let noShape = #"{"w":{"dtype":"F32","data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#
        expectTensorError(try open(noShape), tensor: "w", containing: "no shape")
    }

    @Test("a missing file, a directory and an unreadable file give unreadableFile naming the path")
    func unreadable() throws {
        let dir = try PackagePaths.temporaryDirectory()
        let missing = dir.appendingPathComponent("nope.safetensors").path
        #expect(throws: EncoderError.unreadableFile(file: missing, reason: "No such file or directory")) {
            try SafetensorsFile(path: missing)
        }
        #expect(throws: EncoderError.unreadableFile(file: dir.path, reason: "not a regular file")) {
            try SafetensorsFile(path: dir.path)
        }
        if getuid() != 0 {  // root reads anything, so the permission case only runs for other users
            let locked = try writeRawSafetensors(dir, "locked.safetensors", header: good, data: data)
            chmod(locked, 0)
            #expect(throws: EncoderError.self) { try SafetensorsFile(path: locked) }
        }
    }
}
