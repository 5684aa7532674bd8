import FTFTIO
/// Errors of the encoder module: configurations, weights files and checkpoints. Each names the file and,
/// where there is one, the tensor.
public enum EncoderError: Error, Equatable, CustomStringConvertible {
    case invalidConfig(field: String, reason: String)
    case unreadableConfig(file: String, reason: String)
    case malformedSafetensors(file: String, reason: String)
    case unsupportedDType(file: String, tensor: String, dtype: String)
    case tensorOutOfBounds(file: String, tensor: String, reason: String)
    case missingTensor(file: String, tensor: String)
    case shapeMismatch(file: String, tensor: String, expected: [Int], actual: [Int])
    case unexpectedTensor(file: String, tensor: String)
    case configMismatch(file: String, reason: String)
    /// The file cannot be opened or mapped (missing, a directory, no permission).
    case unreadableFile(file: String, reason: String)
    /// A batch the model cannot run: `field` is the TokenBatch field, `index` the flat element index.
    case invalidBatch(field: String, index: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidConfig(let field, let reason):
            return "invalid model configuration: \(field) \(reason)"
        case .unreadableConfig(let file, let reason):
            return "\(file): cannot read the model configuration: \(reason)"
        case .malformedSafetensors(let file, let reason):
            return "\(file): not a valid safetensors file: \(reason)"
        case .unsupportedDType(let file, let tensor, let dtype):
            return "\(file): tensor '\(tensor)' has dtype \(dtype); ftft reads F32, F16 and BF16"
        case .tensorOutOfBounds(let file, let tensor, let reason):
            return "\(file): tensor '\(tensor)': \(reason)"
        case .missingTensor(let file, let tensor):
            return "\(file): tensor '\(tensor)' is missing"
        case .shapeMismatch(let file, let tensor, let expected, let actual):
            return "\(file): tensor '\(tensor)' has shape \(actual) but the configuration needs \(expected)"
        case .unexpectedTensor(let file, let tensor):
            return "\(file): unexpected tensor '\(tensor)'"
        case .configMismatch(let file, let reason):
            return "\(file): the weights do not match the configuration: \(reason)"
        case .unreadableFile(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .invalidBatch(let field, let index, let reason):
            return "invalid batch: \(field)[\(index)] \(reason)"
        }
    }
}

extension EncoderError: UserFacingError {
    /// A model folder, config or safetensors file that cannot be used: bad input.
    public var exitStatus: ExitStatus { .badInput }
}
