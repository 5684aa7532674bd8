/// Errors of file access shared by every reader and writer. They always name the file; where a line is
/// known, they name it too (1-based).
public enum IOError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, line: Int?, reason: String)
    case truncatedGzip(path: String, line: Int)
    case invalidUTF8(path: String, line: Int)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "\(path): cannot open: \(reason)"
        case .readFailed(let path, let line, let reason):
            return "\(path)\(line.map { ":\($0)" } ?? ""): read failed: \(reason)"
        case .truncatedGzip(let path, let line):
            return "\(path):\(line): the gzip stream is truncated (unexpected end of file)"
        case .invalidUTF8(let path, let line):
            return "\(path):\(line): the line is not valid UTF-8"
        case .writeFailed(let path, let reason):
            return "\(path): write failed: \(reason)"
        }
    }
}
