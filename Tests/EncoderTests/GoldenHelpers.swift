import FTFTTensors
import FTFTTestSupport
import Testing

// Small helpers shared by the encoder's golden tests: fixture tensors as `Tensor`s, and one comparison call
// that records the outcome (printed, so the worst budget used can be quoted) and fails the test when over
// budget.

extension GoldenFixture {
    /// A float fixture tensor as an owned `Tensor` with the fixture's shape.
    func tensor(_ name: String) throws -> Tensor {
        let e = try entry(name)
        return try Tensor(shape: e.shape, values: e.floats, name: name)
    }

    /// An integer fixture tensor as Int32 (token ids, types, labels).
    func int32s(_ name: String) throws -> [Int32] { try entry(name).ints.map { Int32($0) } }

    /// An integer fixture tensor as bytes (attention masks).
    func bytes(_ name: String) throws -> [UInt8] { try entry(name).ints.map { UInt8($0) } }

    /// Compares `actual` with fixture tensor `name` and records the result as a test expectation.
    @discardableResult
    func check(_ name: String, _ actual: Tensor, _ tolerance: Tolerance,
               sourceLocation: SourceLocation = #_sourceLocation) throws -> Comparison {
        try check(name, actual.array, shape: actual.shape, tolerance, sourceLocation: sourceLocation)
    }

    @discardableResult
    func check(_ name: String, _ actual: [Float], shape: [Int], _ tolerance: Tolerance,
               sourceLocation: SourceLocation = #_sourceLocation) throws -> Comparison {
        let result = try compare(name, actual: actual, shape: shape, tolerance: tolerance)
        print("golden: \(result)")
        #expect(result.passed, "\(result)", sourceLocation: sourceLocation)
        return result
    }
}

extension GoldenFixture {
    /// For gradients that are exactly zero in exact arithmetic (the key bias: adding q·b_k to every score of a
    /// row leaves the softmax unchanged), both sides hold only rounding noise, so they are not compared element
    /// by element: both must stay below `bound` in absolute value.
    func checkVanishing(_ name: String, _ actual: Tensor, bound: Float = 1e-5,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try floats(name)
        let worstExpected = expected.map(abs).max() ?? 0, worstActual = actual.array.map(abs).max() ?? 0
        print("golden: \(file):\(name) vanishing: max |torch| \(worstExpected), max |ftft| \(worstActual) (bound \(bound))")
        #expect(worstExpected <= bound && worstActual <= bound, "\(name): \(worstExpected), \(worstActual)",
                sourceLocation: sourceLocation)
    }
}

/// Runs `body` with pointers to a copy of `values` (ids, types, labels) for the kernels.
func withInt32s<R>(_ values: [Int32], _ body: (UnsafePointer<Int32>) throws -> R) rethrows -> R {
    try values.withUnsafeBufferPointer { try body($0.baseAddress!) }
}
