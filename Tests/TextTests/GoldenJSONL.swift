import Foundation
import FTFTIO
import FTFTTestSupport

/// A gzip JSONL golden file (written by a generator through `record_file`): its SHA-256 is checked against
/// golden/manifest.json first, as `GoldenFixture` does for tensor fixtures, then each line is parsed.
struct GoldenJSONL {
    struct StaleFixture: Error, CustomStringConvertible {
        let description: String
    }

    let file: String
    let records: [[String: Any]]

    init(_ file: String) throws {
        self.file = file
        let url = PackagePaths.golden.appendingPathComponent(file)
        let hint = "regenerate with `FTFT_GOLDEN_VENV=/work/venv-golden golden/generate.sh generate_tokenizer.py`"
        guard let data = try? Data(contentsOf: url) else {
            throw StaleFixture(description: "golden/\(file) is missing: \(hint)")
        }
        guard let manifestData = try? Data(contentsOf: PackagePaths.golden.appendingPathComponent("manifest.json")),
              let manifest = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any],
              let files = manifest["files"] as? [String: Any], let entry = files[file] as? [String: Any],
              let expected = entry["sha256"] as? String
        else { throw StaleFixture(description: "golden/manifest.json has no entry for \(file): \(hint)") }
        let actual = SHA256.hex(of: data)
        guard actual == expected else {
            throw StaleFixture(description: "golden/\(file) is stale (sha256 \(actual), manifest \(expected)): \(hint)")
        }
        var records: [[String: Any]] = []
        let reader = try LineReader(path: url.path)
        while let line = try reader.nextLine() {
            guard let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw StaleFixture(description: "golden/\(file):\(reader.lineNumber): not a JSON object")
            }
            records.append(record)
        }
        self.records = records
    }
}

extension Dictionary where Key == String, Value == Any {
    func ints(_ key: String) -> [Int32]? {
        (self[key] as? [Any])?.compactMap { ($0 as? NSNumber).map { Int32(truncating: $0) } }
    }
}
