import Foundation

/// SHA-256 of files, read in 1 MiB blocks (data files, tokenizer files and checkpoints in run identities).
public enum FileHash {
    /// The lowercase hex digest of the file at `path`; `IOError.cannotOpen` if it cannot be opened.
    public static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IOError.cannotOpen(path: path, reason: "cannot open it to compute its SHA-256")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let block = handle.readData(ofLength: 1 << 20)
            if block.isEmpty { break }
            hasher.update(block)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
