// Element types of the safetensors format (https://github.com/huggingface/safetensors, README "Format"):
// every dtype string the format defines is recognised, so byte counts can be checked for any tensor; ftft
// converts the floating-point ones it meets in BERT checkpoints (F32, F16, BF16) to Float32.

extension SafetensorsFile {
    public enum DType: String, Sendable, CaseIterable {
        case bool = "BOOL"
        case u8 = "U8", i8 = "I8"
        case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"
        case u16 = "U16", i16 = "I16", f16 = "F16", bf16 = "BF16"
        case u32 = "U32", i32 = "I32", f32 = "F32"
        case u64 = "U64", i64 = "I64", f64 = "F64"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .bool, .u8, .i8, .f8e4m3, .f8e5m2: return 1
            case .u16, .i16, .f16, .bf16: return 2
            case .u32, .i32, .f32: return 4
            case .u64, .i64, .f64: return 8
            }
        }

        /// Whether `SafetensorsFile.readFloats` converts this dtype to Float32.
        public var convertsToFloat: Bool { self == .f32 || self == .f16 || self == .bf16 }
    }
}

/// IEEE 754 binary16 → binary32, exact (every half value is a float value).
/// Layout: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits; exponent 0 is zero/subnormal, 31 is inf/NaN.
@inline(__always)
func floatFromHalfBits(_ h: UInt16) -> Float {
    let sign = UInt32(h >> 15) << 31
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h) & 0x3FF
    if exponent == 0 {
        // Zero or subnormal: value = mantissa · 2^-24, exactly representable as a normal float.
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    }
    if exponent == 0x1F {
        // Infinity or NaN (the NaN payload moves to the top of the float mantissa).
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    return Float(bitPattern: sign | ((exponent + 127 - 15) << 23) | (mantissa << 13))
}

/// bfloat16 → binary32: bfloat16 is the upper half of a float32, so the conversion is a shift.
@inline(__always)
func floatFromBFloat16Bits(_ b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }
