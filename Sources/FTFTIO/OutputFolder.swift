import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder of output files that appear together or not at all: every file is written (and fsynced) into a
/// temporary folder beside the target, then the temporary folder is renamed to the target when it does not exist
/// yet, or each file is renamed into the existing target (each rename atomic; all of them after every byte is on
/// disk). On any error the temporary folder is removed and the target is untouched.
public enum OutputFolder {
    /// Writes `files` (name → bytes; names without slashes) into `path`, creating it (and its parents) if needed.
    public static func write(_ files: [(name: String, data: Data)], to path: String) throws {
        let target = URL(fileURLWithPath: path).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw IOError.writeFailed(path: path, reason: "cannot create the folder \(parent.path) (\(error.localizedDescription))")
        }
        let temporary = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard mkdir(temporary.path, 0o755) == 0 else {
            throw IOError.writeFailed(path: path, reason: "cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        var committed = false
        defer { if !committed { try? FileManager.default.removeItem(at: temporary) } }
        for file in files {
            try AtomicFile.write(file.data, to: temporary.appendingPathComponent(file.name).path)
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw IOError.writeFailed(path: path, reason: "it exists and is not a folder") }
            for file in files {
                let from = temporary.appendingPathComponent(file.name).path, to = target.appendingPathComponent(file.name).path
                guard rename(from, to) == 0 else { throw IOError.writeFailed(path: to, reason: String(cString: strerror(errno))) }
            }
            try? FileManager.default.removeItem(at: temporary)
        } else {
            guard rename(temporary.path, target.path) == 0 else {
                throw IOError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
        }
        committed = true
    }
}
