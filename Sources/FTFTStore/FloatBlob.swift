import Foundation

/// Float32 vectors as BLOBs: 4 bytes per value, IEEE 754 binary32, little-endian, no header — the layout of
/// a float32 `.npy`/safetensors payload, so `numpy.frombuffer(blob, '<f4')` reads a row written here, and
/// every bit (NaN payloads, −0) round-trips.
enum FloatBlob {
    static func encode(_ values: UnsafeBufferPointer<Float>) -> Data {
        #if _endian(little)
        return Data(buffer: values)
        #else
        var data = Data(capacity: values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
        #endif
    }

    static func encode(_ values: [Float]) -> Data {
        values.withUnsafeBufferPointer { encode($0) }
    }

    /// Appends the floats of `blob` to `output`; false (and nothing appended) if its length is not
    /// `expectedCount` floats.
    static func append(_ blob: Data, expectedCount: Int, to output: inout [Float]) -> Bool {
        guard blob.count == expectedCount * 4 else { return false }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: expectedCount))
        output.withUnsafeMutableBufferPointer { out in
            blob.withUnsafeBytes { raw in
                for i in 0..<expectedCount {
                    let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                    out[start + i] = Float(bitPattern: bits)
                }
            }
        }
        return true
    }

    static func decode(_ blob: Data, expectedCount: Int) -> [Float]? {
        var output: [Float] = []
        output.reserveCapacity(expectedCount)
        return append(blob, expectedCount: expectedCount, to: &output) ? output : nil
    }
}
