import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a file (`fcntl` record lock on the whole file), held until `release()` or the
/// process ends — also when it is killed, so a crash never leaves a stale lock. `fcntl` locks are what SQLite
/// itself relies on, and NFS (lockd, NFSv4) and Lustre carry them between hosts, unlike `flock` on some systems.
/// They belong to the process: take one lock per file per process.
public final class FileLock {
    public let path: String
    private var descriptor: Int32

    /// Takes the lock, creating the file if needed; waits up to `timeoutSeconds` for another holder to let go.
    /// nil when it is still held by then.
    public static func acquire(path: String, timeoutSeconds: Double) throws -> FileLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while true {
            var lock = flock()
            lock.l_type = Int16(F_WRLCK)
            lock.l_whence = Int16(SEEK_SET)
            lock.l_start = 0
            lock.l_len = 0
            if fcntl(fd, F_SETLK, &lock) == 0 { return FileLock(path: path, descriptor: fd) }
            guard errno == EACCES || errno == EAGAIN || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw IOError.writeFailed(path: path, reason: "cannot lock it: \(reason)")
            }
            if Date() >= deadline {
                close(fd)
                return nil
            }
            usleep(200_000)
        }
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
