// A float32 tensor: a shape and one contiguous, row-major buffer that the tensor owns.
//
// Kernels work on raw pointers (llm.c style: outputs, cached intermediates, inputs, dimensions); `Tensor`
// owns memory, carries a shape for checks and tests, and converts to and from `[Float]`.

/// Shape errors are programmer errors inside the engine, but shapes also come from files (checkpoints,
/// fixtures), so the checks throw instead of trapping.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    case shapeMismatch(name: String, expected: [Int], actual: [Int])
    case countMismatch(name: String, expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .shapeMismatch(let name, let expected, let actual):
            return "tensor '\(name)': expected shape \(expected), got \(actual)"
        case .countMismatch(let name, let expected, let actual):
            return "tensor '\(name)': expected \(expected) elements, got \(actual)"
        }
    }
}

public final class Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let count: Int
    /// Row-major storage of `count` floats, 64-byte aligned, owned by this tensor.
    public let data: UnsafeMutablePointer<Float>

    /// A zero-filled tensor.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        self.data = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        data.initialize(repeating: 0, count: max(count, 1))
    }

    /// A tensor holding a copy of `values`; throws if the count does not match the shape.
    public convenience init(shape: [Int], values: [Float], name: String = "tensor") throws {
        let expected = shape.reduce(1, *)
        guard expected == values.count else {
            throw TensorError.countMismatch(name: name, expected: expected, actual: values.count)
        }
        self.init(zeros: shape)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { data.update(from: base, count: values.count) }
        }
    }

    deinit { data.deallocate() }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: data, count: count) }
    public var array: [Float] { Array(buffer) }

    public subscript(i: Int) -> Float {
        get { data[i] }
        set { data[i] = newValue }
    }

    public func fill(_ value: Float) { data.update(repeating: value, count: count) }
    public func zero() { fill(0) }

    public func copy() -> Tensor {
        let out = Tensor(zeros: shape)
        out.data.update(from: data, count: count)
        return out
    }

    /// Throws unless this tensor has exactly `expected` shape.
    public func requireShape(_ expected: [Int], name: String) throws {
        guard shape == expected else { throw TensorError.shapeMismatch(name: name, expected: expected, actual: shape) }
    }
}
