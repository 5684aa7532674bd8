import CCPUID

/// OpenBLAS's x86-64 kernel sets ("cores") that a DYNAMIC_ARCH build chooses among at start-up, and what each needs
/// from the CPU — so that ftft can pin one (`OPENBLAS_CORETYPE`, read when the library loads) and refuse one the CPU
/// cannot run before anything runs.
///
/// Results are bit-identical for the same seed, ftft commit, OpenBLAS build and kernel. Pinning the kernel a table
/// was made with lets any x86-64 machine that can run it reproduce the table bit for bit (issue 11). The
/// requirements are conservative (a kernel is refused unless every instruction-set extension its code may use is
/// reported by cpuid and, for AVX/AVX-512 state, enabled by the operating system).
public enum BLASKernel {
    /// Kernel names as OpenBLAS spells them (`openblas_get_corename()`, `OPENBLAS_CORETYPE`) with their needs.
    public static let requirements: [(name: String, features: [CPUFeature])] = [
        ("Prescott", [.sse3]),
        ("Core2", [.ssse3]),
        ("Atom", [.ssse3]),
        ("Penryn", [.sse41]),
        ("Dunnington", [.sse41]),
        ("Nehalem", [.sse42]),
        ("Opteron", [.sse2]),
        ("Opteron_SSE3", [.sse3]),
        ("Barcelona", [.sse3, .sse4a]),
        ("Bobcat", [.ssse3, .sse4a]),
        ("Sandybridge", [.avx]),
        ("Bulldozer", [.avx, .fma4, .xop]),
        ("Piledriver", [.avx, .fma, .fma4]),
        ("Steamroller", [.avx, .fma, .fma4]),
        ("Excavator", [.avx2, .fma, .fma4]),
        ("Haswell", [.avx2, .fma]),
        ("Zen", [.avx2, .fma]),
        ("SkylakeX", [.avx2, .fma, .avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl]),
        ("Cooperlake", [.avx2, .fma, .avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl, .avx512bf16]),
        ("SapphireRapids", [.avx2, .fma, .avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl, .avx512bf16,
                            .amxTile, .amxBF16]),
    ]

    /// The name as OpenBLAS spells it, for any capitalisation; nil for a name ftft does not know.
    public static func canonicalName(_ name: String) -> String? {
        requirements.first { $0.name.lowercased() == name.lowercased() }?.name
    }

    /// The features `kernel` needs that `cpu` lacks (empty: the CPU can run it). Nil for an unknown kernel.
    public static func missingFeatures(_ kernel: String, on cpu: CPUFeatures = .current) -> [CPUFeature]? {
        guard let entry = requirements.first(where: { $0.name.lowercased() == kernel.lowercased() }) else { return nil }
        return entry.features.filter { !cpu.has($0) }
    }

    /// Every known kernel this CPU can run, in the table's order.
    public static func runnable(on cpu: CPUFeatures = .current) -> [String] {
        requirements.filter { $0.features.allSatisfy(cpu.has) }.map(\.name)
    }

    /// What pinning `requested` means in this process: nothing (OpenBLAS already runs it), or a restart of the
    /// process with `OPENBLAS_CORETYPE` set (OpenBLAS reads it once, when it loads). Throws for an unknown kernel
    /// or one the CPU cannot run.
    public static func pin(_ requested: String, running: String = BLASRuntime.coreName,
                           cpu: CPUFeatures = .current) throws -> Pin {
        guard let name = canonicalName(requested) else {
            throw BLASKernelError.unknown(requested: requested, known: requirements.map(\.name))
        }
        if name.lowercased() == running.lowercased() { return .alreadyRunning(name) }
        guard cpu.isX86 else { throw BLASKernelError.notX86(requested: name, running: running) }
        let missing = missingFeatures(name, on: cpu) ?? []
        guard missing.isEmpty else {
            throw BLASKernelError.unsupported(requested: name, missing: missing.map(\.rawValue), runnable: runnable(on: cpu))
        }
        return .restart(coreType: name)
    }

    public enum Pin: Equatable, Sendable {
        /// OpenBLAS already runs this kernel.
        case alreadyRunning(String)
        /// Restart the process with `OPENBLAS_CORETYPE=coreType`.
        case restart(coreType: String)
    }
}

/// Why a kernel cannot be pinned. Rendered for people at the command line.
public enum BLASKernelError: Error, Equatable, CustomStringConvertible {
    case unknown(requested: String, known: [String])
    case unsupported(requested: String, missing: [String], runnable: [String])
    case notX86(requested: String, running: String)
    /// OpenBLAS was started with `OPENBLAS_CORETYPE` set and still runs another kernel (a build without
    /// DYNAMIC_ARCH, or one that does not include that kernel).
    case notHonoured(requested: String, running: String, configuration: String)

    public var description: String {
        switch self {
        case .unknown(let requested, let known):
            return "unknown BLAS kernel \"\(requested)\" (OpenBLAS's x86-64 kernels: \(known.joined(separator: ", ")))"
        case .unsupported(let requested, let missing, let runnable):
            return "this CPU cannot run OpenBLAS's \(requested) kernel: it lacks \(missing.joined(separator: ", ")) "
                + "(per cpuid); kernels it can run: \(runnable.joined(separator: ", ")). Nothing was run"
        case .notX86(let requested, let running):
            return "cannot pin the BLAS kernel \(requested) on this CPU (not x86-64); OpenBLAS runs \(running)"
        case .notHonoured(let requested, let running, let configuration):
            return "OpenBLAS did not switch to the \(requested) kernel (OPENBLAS_CORETYPE=\(requested) was set; it runs "
                + "\(running); build: \(configuration)). A build without DYNAMIC_ARCH cannot switch kernels. Nothing was run"
        }
    }
}

/// Instruction-set extensions a BLAS kernel may need.
public enum CPUFeature: String, Sendable, CaseIterable {
    case sse2 = "SSE2", sse3 = "SSE3", ssse3 = "SSSE3", sse41 = "SSE4.1", sse42 = "SSE4.2", sse4a = "SSE4a"
    case avx = "AVX", avx2 = "AVX2", fma = "FMA", fma4 = "FMA4", xop = "XOP"
    case avx512f = "AVX512F", avx512cd = "AVX512CD", avx512bw = "AVX512BW", avx512dq = "AVX512DQ"
    case avx512vl = "AVX512VL", avx512bf16 = "AVX512_BF16", amxTile = "AMX-TILE", amxBF16 = "AMX-BF16"
}

/// The features this CPU has and the operating system enables, read with cpuid and XGETBV.
public struct CPUFeatures: Sendable, Equatable {
    public let isX86: Bool
    public let features: Set<CPUFeature>

    public init(isX86: Bool, features: Set<CPUFeature>) {
        self.isX86 = isX86
        self.features = features
    }

    public func has(_ feature: CPUFeature) -> Bool { features.contains(feature) }

    public static let current: CPUFeatures = detect()

    static func detect() -> CPUFeatures {
        guard FTFT_CPUID_AVAILABLE != 0 else { return CPUFeatures(isX86: false, features: []) }
        var (a, b, c, d): (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        func bit(_ register: UInt32, _ n: UInt32) -> Bool { register & (1 << n) != 0 }
        var found = Set<CPUFeature>()
        func add(_ feature: CPUFeature, _ present: Bool) { if present { found.insert(feature) } }
        _ = ftft_cpuid(1, 0, &a, &b, &c, &d)
        let xcr0 = ftft_xgetbv0()
        // The OS saves XMM and YMM state (XCR0 bits 1, 2), and the opmask/ZMM state (bits 5, 6, 7).
        let osAVX = xcr0 & 0b110 == 0b110, osAVX512 = osAVX && xcr0 & 0b1110_0000 == 0b1110_0000
        let osAMX = xcr0 & (0b11 << 17) == (0b11 << 17)
        add(.sse2, bit(d, 26)); add(.sse3, bit(c, 0)); add(.ssse3, bit(c, 9)); add(.sse41, bit(c, 19))
        add(.sse42, bit(c, 20)); add(.avx, osAVX && bit(c, 28)); add(.fma, osAVX && bit(c, 12))
        _ = ftft_cpuid(7, 0, &a, &b, &c, &d)
        add(.avx2, osAVX && bit(b, 5))
        add(.avx512f, osAVX512 && bit(b, 16)); add(.avx512dq, osAVX512 && bit(b, 17))
        add(.avx512cd, osAVX512 && bit(b, 28)); add(.avx512bw, osAVX512 && bit(b, 30))
        add(.avx512vl, osAVX512 && bit(b, 31))
        add(.amxBF16, osAMX && bit(d, 22)); add(.amxTile, osAMX && bit(d, 24))
        _ = ftft_cpuid(7, 1, &a, &b, &c, &d)
        add(.avx512bf16, osAVX512 && bit(a, 5))
        _ = ftft_cpuid(0x8000_0001, 0, &a, &b, &c, &d)
        add(.sse4a, bit(c, 6)); add(.xop, osAVX && bit(c, 11)); add(.fma4, osAVX && bit(c, 16))
        return CPUFeatures(isX86: true, features: found)
    }
}
