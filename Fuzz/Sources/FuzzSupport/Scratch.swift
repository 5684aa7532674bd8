import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A per-process folder for the files a path-based parser reads: `$FTFT_FUZZ_SCRATCH` (scripts/fuzz.sh points
/// it at a fresh folder in /dev/shm and removes it afterwards), else the system's temporary folder.
public struct Scratch {
    public let folder: String

    public init(_ label: String) {
        let base = ProcessInfo.processInfo.environment["FTFT_FUZZ_SCRATCH"] ?? NSTemporaryDirectory()
        folder = URL(fileURLWithPath: base).appendingPathComponent("\(label)-\(getpid())").path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            Fuzzer.fail("cannot create the scratch folder \(folder): \(error)")
        }
    }

    public func path(_ name: String) -> String { folder + "/" + name }

    /// Creates the subfolder `name` (and returns its path).
    @discardableResult
    public func makeFolder(_ name: String) -> String {
        do {
            try FileManager.default.createDirectory(atPath: path(name), withIntermediateDirectories: true)
        } catch {
            Fuzzer.fail("cannot create \(path(name)): \(error)")
        }
        return path(name)
    }

    /// Replaces `name` with `bytes` and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: UnsafeRawBufferPointer) -> String {
        let path = path(name)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { Fuzzer.fail("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let n = Glibc.write(fd, base + offset, bytes.count - offset)
            guard n > 0 else { Fuzzer.fail("cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += n
        }
        return path
    }

    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        Array(text.utf8).withUnsafeBytes { write(name, $0) }
    }

    public func remove(_ name: String) { unlink(path(name)) }
}
