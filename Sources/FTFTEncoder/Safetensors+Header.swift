import Foundation

/// Parses and validates a safetensors header. The checks, each reported with the file and (where one is at fault)
/// the tensor:
/// - the file holds the 8-byte length and the header it announces (≤ 100 MB, the limit of the reference reader);
/// - the header is a JSON object; `__metadata__`, if present, maps strings to strings;
/// - every tensor has a known `dtype`, a `shape` of non-negative integers and `data_offsets` [begin, end] with
///   begin ≤ end and end − begin = elements × dtype size (no overflow);
/// - sorted by begin, the tensors tile the data section exactly: the first starts at 0, each starts where the
///   previous one ends (so none overlap or leave a gap), and the last ends at the end of the file — the same
///   rule as the reference implementation's `validate`.
enum SafetensorsHeader {
    static let maximumHeaderBytes = 100_000_000

    struct Parsed {
        let metadata: [String: String]
        let tensors: [SafetensorsFile.TensorInfo]
        let dataStart: Int
    }

    static func parse(bytes: UnsafeRawBufferPointer, path: String) throws -> Parsed {
        func malformed(_ reason: String) -> EncoderError { .malformedSafetensors(file: path, reason: reason) }
        guard bytes.count >= 8, let base = bytes.baseAddress else {
            throw malformed("the file has \(bytes.count) bytes, fewer than the 8-byte header length")
        }
        let announced = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard announced <= UInt64(maximumHeaderBytes) else {
            throw malformed("header length \(announced) exceeds the \(maximumHeaderBytes)-byte limit")
        }
        let headerLength = Int(announced)
        guard 8 + headerLength <= bytes.count else {
            throw malformed("header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let headerData = Data(bytes: base + 8, count: headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerData)
        } catch {
            // Foundation's debug description says where parsing stopped ("… around character N."; N counts from
            // the start of the header); its localizedDescription on Linux says nothing useful.
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            throw malformed("the header is not valid JSON (\(reason))")
        }
        guard let object = json as? [String: Any] else { throw malformed("the header is not a JSON object") }

        var metadata: [String: String] = [:]
        var tensors: [SafetensorsFile.TensorInfo] = []
        for (name, value) in object {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else { throw malformed("__metadata__ is not an object") }
                for (key, entry) in map {
                    guard let text = entry as? String else {
                        throw malformed("__metadata__ value for '\(key)' is not a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            tensors.append(try tensorInfo(name: name, value: value, path: path))
        }

        let dataLength = bytes.count - 8 - headerLength
        tensors.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name)
            < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name) }
        var expectedBegin = 0
        for t in tensors {
            guard t.dataOffsets.upperBound <= dataLength else {
                throw EncoderError.tensorOutOfBounds(
                    file: path, tensor: t.name,
                    reason: "data_offsets \(t.dataOffsets.lowerBound)..<\(t.dataOffsets.upperBound) end past the data section (\(dataLength) bytes)")
            }
            guard t.dataOffsets.lowerBound == expectedBegin else {
                let what = t.dataOffsets.lowerBound < expectedBegin ? "overlaps the previous tensor" : "leaves a gap after the previous tensor"
                throw EncoderError.tensorOutOfBounds(
                    file: path, tensor: t.name,
                    reason: "data_offsets begin at \(t.dataOffsets.lowerBound) but the previous tensor ends at \(expectedBegin): it \(what)")
            }
            expectedBegin = t.dataOffsets.upperBound
        }
        guard expectedBegin == dataLength else {
            throw malformed("the tensors cover \(expectedBegin) bytes of data but the data section has \(dataLength)")
        }
        return Parsed(metadata: metadata, tensors: tensors, dataStart: 8 + headerLength)
    }

    private static func tensorInfo(name: String, value: Any, path: String) throws -> SafetensorsFile.TensorInfo {
        func bad(_ reason: String) -> EncoderError { .tensorOutOfBounds(file: path, tensor: name, reason: reason) }
        guard let fields = value as? [String: Any] else { throw bad("the header entry is not an object") }
        guard let dtypeName = fields["dtype"] as? String else { throw bad("no dtype string") }
        guard let dtype = SafetensorsFile.DType(rawValue: dtypeName) else {
            throw EncoderError.unsupportedDType(file: path, tensor: name, dtype: dtypeName)
        }
        guard let shapeValues = fields["shape"] as? [Any] else { throw bad("no shape array") }
        var shape: [Int] = []
        for dimension in shapeValues {
            guard let d = exactInt(dimension), d >= 0 else { throw bad("shape \(shapeValues) has a dimension that is not a non-negative integer") }
            shape.append(d)
        }
        guard let offsets = fields["data_offsets"] as? [Any], offsets.count == 2,
              let begin = exactInt(offsets[0]), let end = exactInt(offsets[1]) else {
            throw bad("data_offsets is not a pair of integers")
        }
        guard begin >= 0, begin <= end else { throw bad("data_offsets [\(begin), \(end)] are not ordered non-negative offsets") }
        var elements = 1
        for d in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow else { throw bad("shape \(shape) overflows") }
            elements = product
        }
        let (byteCount, overflow) = elements.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, byteCount == end - begin else {
            throw bad("data_offsets span \(end - begin) bytes but shape \(shape) of \(dtype.rawValue) needs \(overflow ? "more than Int.max" : String(byteCount))")
        }
        return SafetensorsFile.TensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// An integer JSON number: JSONSerialization yields NSNumber for numbers and booleans alike, so the
    /// Objective-C type code tells them apart ("c"/"B" boolean, "d"/"f" floating point, others integers).
    private static func exactInt(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let type = String(cString: number.objCType)
        if type == "c" || type == "B" { return nil }
        if type == "d" || type == "f" {
            let d = number.doubleValue
            guard d == d.rounded(), abs(d) < 9.0e15 else { return nil }
            return Int(d)
        }
        return number.intValue
    }
}
