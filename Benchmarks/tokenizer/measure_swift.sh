#!/usr/bin/env bash
# Single-thread throughput of ftft's WordPiece tokenizer (TokenizerThroughput.measure, release build) on the
# corpus written by bench_hf_tokenizer.py --corpus-out, after checking that it produces HF's ids (token count and
# FNV-1a checksum from the corpus header). Until the package-benchmark suite wires TokenizerThroughput, this
# compiles a throwaway main against the release-built FTFTText and FTFTIO objects.
# Usage: Benchmarks/tokenizer/measure_swift.sh /tmp/corpus.jsonl [model dir] [repetitions]
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus="${1:?usage: measure_swift.sh corpus.jsonl [model dir] [repetitions]}"
model="${2:-../shared/models/minilm-l6-h384}"
repetitions="${3:-3}"
swift build -c release --target FTFTText >&2
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/main.swift" <<'EOF'
import Foundation
import FTFTText

let arguments = CommandLine.arguments
let lines = try String(contentsOfFile: arguments[1], encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
struct Header: Decodable { let texts: Int; let tokens: Int; let ids_fnv1a: String }
let header = try JSONDecoder().decode(Header.self, from: Data(lines[0].utf8))
// JSONDecoder, not JSONSerialization: the latter drops a raw leading U+FEFF inside strings on Linux.
let texts = try lines.dropFirst().filter { !$0.isEmpty }.map { try JSONDecoder().decode(String.self, from: Data($0.utf8)) }
let tokenizer = try WordPieceTokenizer.load(path: arguments[2])
let m = TokenizerThroughput.measure(tokenizer, texts: texts, repetitions: Int(arguments[3]) ?? 3)
let checksum = String(m.idsChecksum, radix: 16).leftPadding(16)
guard m.texts == header.texts, m.tokens == header.tokens, checksum == header.ids_fnv1a else {
    FileHandle.standardError.write(Data("validation failed: \(m.texts) texts, \(m.tokens) tokens, fnv \(checksum); HF \(header)\n".utf8))
    exit(1)
}
print("{\"texts\": \(m.texts), \"tokens\": \(m.tokens), \"ids_fnv1a\": \"\(checksum)\", \"validated_against_hf\": true, "
      + "\"wall_seconds\": \(m.wallSeconds), \"tokens_per_second\": \(m.tokensPerSecond)}")

extension String {
    func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
EOF
swiftc -O -module-name TokenizerThroughputMain -I "$bin/Modules" -I Sources/CZlib \
  "$work/main.swift" "$bin"/FTFTText.build/*.o "$bin"/FTFTIO.build/*.o -lz -o "$work/measure" >&2
"$work/measure" "$corpus" "$model" "$repetitions"
