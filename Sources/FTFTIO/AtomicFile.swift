import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader (or a process restarted after a crash) sees either the old file or the
/// complete new one, never a torn write: write to a temporary file in the same folder, flush it to disk
/// (fsync), rename it over the target, then fsync the folder so the rename itself is durable.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        try write(path: path) { fd in
            try data.withUnsafeBytes { raw in
                try writeAll(fd: fd, raw.baseAddress, raw.count, path: path)
            }
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Streams content through `body(fd)` into a temporary file, then commits it atomically. On any error
    /// the temporary file is removed and the target is untouched.
    public static func write(path: String, _ body: (Int32) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = "\(folder)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw IOError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        var committed = false
        defer {
            if !committed { unlink(temporary) }
        }
        do {
            try body(fd)
            guard fsync(fd) == 0 else { throw IOError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw IOError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        guard rename(temporary, path) == 0 else {
            throw IOError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        committed = true
        let dirfd = open(folder, O_RDONLY)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    /// Removes the temporary files that writes of `path` left behind when their process was killed between
    /// creating and renaming them (`.<name>.tmp-<pid>-<random>` whose process no longer exists); a live
    /// process's temporary is left alone. Such files are never read, only wasted space. Returns how many went.
    @discardableResult
    public static func removeStaleTemporaries(of path: String) throws -> Int {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = ".\(url.lastPathComponent).tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
            if pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH { continue }
            guard unlink("\(folder)/\(name)") == 0 || errno == ENOENT else {
                throw IOError.writeFailed(path: "\(folder)/\(name)", reason: String(cString: strerror(errno)))
            }
            removed += 1
        }
        return removed
    }

    /// Writes `count` bytes at `pointer` to `fd`, retrying short writes; names `path` on failure (e.g. ENOSPC).
    public static func writeAll(fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int, path: String) throws {
        guard let pointer else { return }
        var done = 0
        while done < count {
            let n = Glibc.write(fd, pointer + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            done += n
        }
    }
}
