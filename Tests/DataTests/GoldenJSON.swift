import FTFTIO
import FTFTTestSupport
import Foundation

/// A JSON golden file recorded with `record_file` in golden/manifest.json. Like `GoldenFixture`, it checks
/// the file's SHA-256 against the manifest before use, so a stale file fails with the regenerating command.
struct GoldenJSON {
    struct Failure: Error, CustomStringConvertible { let description: String }

    let file: String
    let root: [String: Any]

    init(_ file: String) throws {
        let url = PackagePaths.golden.appendingPathComponent(file)
        let hint = "regenerate with `FTFT_GOLDEN_VENV=/work/venv-golden golden/generate.sh` (see golden/README.md)"
        guard let data = try? Data(contentsOf: url) else { throw Failure(description: "golden/\(file) is missing: \(hint)") }
        let manifestURL = PackagePaths.golden.appendingPathComponent("manifest.json")
        guard let manifestData = try? Data(contentsOf: manifestURL),
              let manifest = try JSONSerialization.jsonObject(with: manifestData) as? [String: Any],
              let files = manifest["files"] as? [String: Any], let record = files[file] as? [String: Any],
              let expected = record["sha256"] as? String
        else { throw Failure(description: "golden/manifest.json has no entry for \(file): \(hint)") }
        let actual = SHA256.hex(of: data)
        guard actual == expected else {
            throw Failure(description: "golden/\(file) is stale (sha256 \(actual), manifest \(expected)): \(hint)")
        }
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(description: "golden/\(file) is not a JSON object")
        }
        self.file = file
        self.root = root
    }
}

/// Typed access into decoded JSON for tests: throws instead of crashing on a missing or mistyped value.
func field<T>(_ object: Any?, _ key: String, as type: T.Type = T.self) throws -> T {
    guard let dictionary = object as? [String: Any], let value = dictionary[key] else {
        throw GoldenJSON.Failure(description: "golden JSON: missing key '\(key)'")
    }
    if T.self == Int.self, let number = value as? NSNumber, let int = number.intValue as? T { return int }
    if T.self == Double.self, let number = value as? NSNumber, let double = number.doubleValue as? T { return double }
    if T.self == [Int].self, let array = value as? [NSNumber], let ints = array.map(\.intValue) as? T { return ints }
    guard let typed = value as? T else {
        throw GoldenJSON.Failure(description: "golden JSON: key '\(key)' is \(Swift.type(of: value)), not \(T.self)")
    }
    return typed
}
