import Foundation

/// Canonical decomposition (NFD) with Unicode 9.0 data, as `tokenizers`' `unicode-normalization-alignments`
/// does it: a scalar assigned after 9.0 neither decomposes nor reorders (its combining class is 0 for HF).
extension BertUnicode {
    /// Canonical combining class as of Unicode 9.0 (combining classes never change once assigned).
    @inline(__always)
    static func combiningClass9(_ v: UInt32) -> UInt8 {
        if v < 0x300 { return 0 }
        guard let scalar = Unicode.Scalar(v), isAssignedBy9(scalar) else { return 0 }
        return scalar.properties.canonicalCombiningClass.rawValue
    }

    @inline(__always)
    static func isAssignedBy9(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major <= 9 && !(age.major == 9 && age.minor > 0)
    }

    /// Appends the full canonical decomposition of `v` (itself when it has none). Canonical decompositions are
    /// stable once assigned, so Foundation's current data give 9.0's answer for every scalar assigned by 9.0.
    @inline(__always)
    static func appendDecomposition(_ v: UInt32, to out: inout [UInt32]) {
        if v < 0xC0 {
            out.append(v)
        } else if (0xAC00...0xD7A3).contains(v) {
            appendHangulDecomposition(v, to: &out)
        } else if v < DecompositionTable.end {
            DecompositionTable.shared.append(v, to: &out)
        } else {
            appendFoundationDecomposition(v, to: &out)
        }
    }

    /// Hangul syllables decompose algorithmically into jamo (Unicode §3.12): S = v − 0xAC00,
    /// L = 0x1100 + S / 588, V = 0x1161 + (S % 588) / 28, T = 0x11A7 + S % 28 when S % 28 ≠ 0.
    static func appendHangulDecomposition(_ v: UInt32, to out: inout [UInt32]) {
        let s = v - 0xAC00
        out.append(0x1100 + s / 588)
        out.append(0x1161 + (s % 588) / 28)
        if s % 28 != 0 { out.append(0x11A7 + s % 28) }
    }

    static func appendFoundationDecomposition(_ v: UInt32, to out: inout [UInt32]) {
        guard let scalar = Unicode.Scalar(v), isAssignedBy9(scalar) else {
            out.append(v)
            return
        }
        for s in String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars { out.append(s.value) }
    }

    /// Canonical ordering (Unicode §3.11): within each run of scalars with a non-zero combining class, a stable
    /// sort by combining class. Runs are a few marks long, so an insertion sort.
    static func canonicallyOrder(_ scalars: inout [UInt32]) {
        var i = 1
        while i < scalars.count {
            let classI = combiningClass9(scalars[i])
            if classI != 0 {
                var j = i
                while j > 0 {
                    let classBefore = combiningClass9(scalars[j - 1])
                    if classBefore <= classI || classBefore == 0 { break }
                    scalars.swapAt(j - 1, j)
                    j -= 1
                }
            }
            i += 1
        }
    }

    /// Decompositions of U+00C0…U+33FF (Latin, Greek, Cyrillic, Indic, kana, …), computed once through
    /// Foundation (≈13,000 calls, ≈12 ms) so that the hot path does not allocate a String per accented letter.
    /// Layout: for scalar v, `data[offsets[v − start] ..< offsets[v − start + 1]]`; an empty range means "itself".
    final class DecompositionTable: Sendable {
        static let start: UInt32 = 0xC0
        static let end: UInt32 = 0x3400
        static let shared = DecompositionTable()

        let offsets: [Int32]
        let data: [UInt32]

        private init() {
            var offsets: [Int32] = [0]
            var data: [UInt32] = []
            var scratch: [UInt32] = []
            for v in Self.start..<Self.end {
                scratch.removeAll(keepingCapacity: true)
                BertUnicode.appendFoundationDecomposition(v, to: &scratch)
                if scratch != [v] { data.append(contentsOf: scratch) }
                offsets.append(Int32(data.count))
            }
            self.offsets = offsets
            self.data = data
        }

        @inline(__always)
        func append(_ v: UInt32, to out: inout [UInt32]) {
            let index = Int(v - Self.start)
            let lower = Int(offsets[index]), upper = Int(offsets[index + 1])
            if lower == upper {
                out.append(v)
            } else {
                out.append(contentsOf: data[lower..<upper])
            }
        }
    }
}
