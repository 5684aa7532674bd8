import FTFTTestSupport
import Foundation

/// A JSON golden file recorded with `record_file` in golden/manifest.json, read after
/// `GoldenFixture.verifiedData` has checked its SHA-256 against the manifest.
struct GoldenJSON {
    struct Failure: Error, CustomStringConvertible { let description: String }

    let file: String
    let root: [String: Any]

    init(_ file: String) throws {
        let data = try GoldenFixture.verifiedData(file)
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
