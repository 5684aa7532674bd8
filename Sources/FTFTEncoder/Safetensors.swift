import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A safetensors file, memory-mapped and validated on open.
///
/// Format (https://github.com/huggingface/safetensors, README "Format"): an unsigned 64-bit little-endian
/// header length N, then N bytes of UTF-8 JSON mapping each tensor name to `{"dtype", "shape", "data_offsets":
/// [begin, end]}` (byte offsets relative to the end of the header) plus an optional `"__metadata__"` map of
/// strings, then the data. Opening checks everything the format promises (see `Safetensors+Header.swift`), so
/// reading a tensor afterwards cannot go outside the file.
///
/// Reading copies from the mapping into the caller's buffer (converting F16/BF16 to Float32); the 90 MB weights
/// of MiniLM are never copied as a whole.
public final class SafetensorsFile: @unchecked Sendable {
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// Byte range within the data section (after the header).
        public let dataOffsets: Range<Int>
        public var count: Int { shape.reduce(1, *) }
    }

    public let path: String
    /// The `__metadata__` map (empty when absent).
    public let metadata: [String: String]
    /// Tensors in data order (ascending offsets).
    public let tensors: [TensorInfo]
    private let indexByName: [String: Int]
    private let mapping: MappedFile
    /// Byte offset of the data section in the file: 8 + header length.
    private let dataStart: Int

    /// Opens and validates `path`. Throws `EncoderError` naming the file (and the tensor, where one is at fault).
    public convenience init(path: String) throws {
        try self.init(mapping: try MappedFile(path: path), path: path)
    }

    /// Validates safetensors `bytes` already in memory, keeping a copy of them; `path` names them in errors.
    /// The same checks as opening a file (the fuzz targets use this: no file system in the loop).
    public convenience init(bytes: UnsafeRawBufferPointer, path: String) throws {
        try self.init(mapping: MappedFile(copying: bytes), path: path)
    }

    private init(mapping: MappedFile, path: String) throws {
        let header = try SafetensorsHeader.parse(bytes: mapping.bytes, path: path)
        self.path = path
        self.mapping = mapping
        self.metadata = header.metadata
        self.tensors = header.tensors
        self.dataStart = header.dataStart
        var index: [String: Int] = [:]
        for (i, t) in header.tensors.enumerated() { index[t.name] = i }
        self.indexByName = index
    }

    public var names: [String] { tensors.map(\.name) }

    public func info(_ name: String) -> TensorInfo? { indexByName[name].map { tensors[$0] } }

    /// Converts tensor `name` to Float32 into `destination[0..<count]`; `count` must equal the tensor's element count.
    public func readFloats(_ name: String, into destination: UnsafeMutablePointer<Float>, count: Int) throws {
        guard let info = info(name) else { throw EncoderError.missingTensor(file: path, tensor: name) }
        guard info.count == count else {
            throw EncoderError.tensorOutOfBounds(
                file: path, tensor: name, reason: "holds \(info.count) elements, the destination \(count)")
        }
        // The dtype is checked first, so an empty tensor of an unreadable dtype is refused like any other.
        guard info.dtype.convertsToFloat else {
            throw EncoderError.unsupportedDType(file: path, tensor: name, dtype: info.dtype.rawValue)
        }
        let source = mapping.bytes.baseAddress.map { UnsafeRawPointer($0) + dataStart + info.dataOffsets.lowerBound }
        guard let source, count > 0 else { return }
        switch info.dtype {
        case .f32:
            #if _endian(little)
            // Little-endian file on a little-endian host: a plain copy (the source may be unaligned).
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
            #else
            for i in 0..<count {
                destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
            #endif
        case .f16:
            for i in 0..<count {
                destination[i] = floatFromHalfBits(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .bf16:
            for i in 0..<count {
                destination[i] = floatFromBFloat16Bits(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        default:
            throw EncoderError.unsupportedDType(file: path, tensor: name, dtype: info.dtype.rawValue)
        }
    }

    /// Tensor `name` as Float32 values (row-major, `info(name).shape`).
    public func floats(_ name: String) throws -> [Float] {
        guard let info = info(name) else { throw EncoderError.missingTensor(file: path, tensor: name) }
        var out = [Float](repeating: 0, count: info.count)
        try out.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { try readFloats(name, into: base, count: info.count) }
        }
        return out
    }

    /// Tensor `name` as Int64 values; only for I64 tensors (e.g. the `embeddings.position_ids` buffer).
    public func int64s(_ name: String) throws -> [Int64] {
        guard let info = info(name) else { throw EncoderError.missingTensor(file: path, tensor: name) }
        guard info.dtype == .i64 else {
            throw EncoderError.unsupportedDType(file: path, tensor: name, dtype: info.dtype.rawValue)
        }
        guard let base = mapping.bytes.baseAddress else { return [] }
        let source = UnsafeRawPointer(base) + dataStart + info.dataOffsets.lowerBound
        return (0..<info.count).map { Int64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
    }
}

/// A read-only memory mapping of a whole regular file, unmapped on deinit; or a heap copy of bytes in memory
/// (of exactly their size, so an address sanitizer sees any read past the end), freed on deinit.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer
    private let mapped: Bool
    private let allocated: Bool

    init(copying source: UnsafeRawBufferPointer) {
        mapped = false
        guard source.count > 0, let base = source.baseAddress else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            allocated = false
            return
        }
        let copy = UnsafeMutableRawPointer.allocate(byteCount: source.count, alignment: 1)
        copy.copyMemory(from: base, byteCount: source.count)
        bytes = UnsafeRawBufferPointer(start: copy, count: source.count)
        allocated = true
    }

    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw EncoderError.unreadableFile(file: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw EncoderError.unreadableFile(file: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw EncoderError.unreadableFile(file: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        allocated = false
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else {
            throw EncoderError.unreadableFile(file: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        mapped = true
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if mapped { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
        if allocated { base.deallocate() }
    }
}
