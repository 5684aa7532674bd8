import FTFTIO
import FTFTTensors

/// One Float32 tensor to write: a name, a shape and where its values are (an arena slice or an array).
public struct SafetensorsTensor {
    enum Source {
        case slice(Tensor, offset: Int)
        case array([Float])
    }

    public let name: String
    public let shape: [Int]
    let source: Source

    public var count: Int { shape.reduce(1, *) }

    /// `shape.product` floats of `tensor` starting at `offset` (e.g. one entry of a parameter arena). The
    /// tensor is retained until the file is written, not copied.
    public init(name: String, shape: [Int], tensor: Tensor, offset: Int = 0) {
        self.name = name
        self.shape = shape
        self.source = .slice(tensor, offset: offset)
    }

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.source = .array(values)
    }
}

extension SafetensorsFile {
    /// Writes `tensors` as F32, in the given order, with `metadata` as `__metadata__`, atomically (a reader
    /// sees the old file or the complete new one). The header is padded with spaces so the data starts on an
    /// 8-byte boundary, and it is built deterministically (tensor order as given, metadata keys sorted), so the
    /// same tensors and metadata always give the same bytes.
    public static func write(path: String, tensors: [SafetensorsTensor], metadata: [String: String] = [:]) throws {
        var seen = Set<String>()
        for t in tensors {
            guard t.name != "__metadata__", seen.insert(t.name).inserted else {
                throw EncoderError.malformedSafetensors(file: path, reason: "tensor name '\(t.name)' is reserved or repeated")
            }
            if case .slice(let tensor, let offset) = t.source, offset < 0 || offset + t.count > tensor.count {
                throw EncoderError.tensorOutOfBounds(
                    file: path, tensor: t.name, reason: "\(t.count) floats at offset \(offset) exceed the source tensor (\(tensor.count))")
            }
            if case .array(let values) = t.source, values.count != t.count {
                throw EncoderError.tensorOutOfBounds(
                    file: path, tensor: t.name, reason: "shape \(t.shape) needs \(t.count) values, got \(values.count)")
            }
        }
        var header = Array(headerJSON(tensors: tensors, metadata: metadata).utf8)
        while (8 + header.count) % 8 != 0 { header.append(0x20) }

        try AtomicFile.write(path: path) { fd in
            var length = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &length) { try AtomicFile.writeAll(fd: fd, $0.baseAddress, 8, path: path) }
            try header.withUnsafeBytes { try AtomicFile.writeAll(fd: fd, $0.baseAddress, $0.count, path: path) }
            #if !_endian(little)
            #error("SafetensorsFile.write writes host-order floats; add byte swapping for big-endian hosts")
            #endif
            for t in tensors {
                switch t.source {
                case .slice(let tensor, let offset):
                    try AtomicFile.writeAll(fd: fd, UnsafeRawPointer(tensor.data + offset), 4 * t.count, path: path)
                case .array(let values):
                    try values.withUnsafeBytes { try AtomicFile.writeAll(fd: fd, $0.baseAddress, $0.count, path: path) }
                }
            }
        }
    }

    static func headerJSON(tensors: [SafetensorsTensor], metadata: [String: String]) -> String {
        var parts: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for t in tensors {
            let end = offset + 4 * t.count
            let shape = t.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(t.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
