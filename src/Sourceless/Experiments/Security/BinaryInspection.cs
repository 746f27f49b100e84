using Sourceless.Artifacts;

namespace Sourceless.Experiments.Security;

/// <summary>
/// What an auditor with only the bytes can check: calls into the import table that are classic
/// memory-safety hazards (unbounded copies and formatting), and the hardening of the contender's
/// own code: stack protector, CET endbr64 at the entry (x86_64), and position independence.
/// </summary>
public static class BinaryInspection
{
    /// <summary>Imports an auditor treats as a finding on sight: no bound on what they write.</summary>
    public static readonly IReadOnlyList<string> Dangerous = ["strcpy", "strcat", "sprintf", "stpcpy"];

    public static AuditFinding Audit(Disassembly d)
    {
        var hits = d.ImportsCalled.Where(Dangerous.Contains).ToList();
        return new AuditFinding("binary inspection", "ran", hits.Count > 0,
            hits.Count > 0 ? "calls " + string.Join(", ", hits) : $"{d.Instructions.Count} instructions; imports called: {(d.ImportsCalled.Count == 0 ? "none" : string.Join(", ", d.ImportsCalled))}",
            $"{d.Isa.Objdump} -D -b binary");
    }

    public sealed record Hardening(string StackProtector, string CetEndbr, string PositionIndependent, string Evidence);

    public static Hardening Of(Disassembly d, byte[]? objectFile, IReadOnlyList<string> absoluteRelocations)
    {
        string sp = d.HasStackProtector ? "yes" : "no";
        string cet = d.Isa == Targets.Isa.X86_64 ? (d.EntryHasEndbr ? "yes" : "no") : "n/a (x86_64 only)";
        string pic = objectFile is null ? "unknown (bytes only: no relocations to check)" : absoluteRelocations.Count == 0 ? "yes" : "no";
        string evidence = $"canary read: {(d.ReadsCanary ? "yes" : "no")}; __stack_chk_fail called: {(d.ImportsCalled.Contains("__stack_chk_fail") ? "yes" : "no")}; first instruction: {d.Instructions.FirstOrDefault()?.Text ?? "-"}"
            + (objectFile is null ? "" : $"; absolute relocations: {(absoluteRelocations.Count == 0 ? "none" : string.Join(", ", absoluteRelocations.Take(4)))}");
        return new Hardening(sp, cet, pic, evidence);
    }

    /// <summary>Relocation types that bake an absolute address into the code, per ISA.</summary>
    public static bool IsAbsolute(string relocationType) => relocationType is "R_X86_64_64" or "R_X86_64_32" or "R_X86_64_32S"
        or "R_AARCH64_ABS64" or "R_AARCH64_ABS32" or "R_AARCH64_MOVW_UABS_G0" or "R_RISCV_64" or "R_RISCV_32" or "R_RISCV_HI20" or "R_RISCV_LO12_I" or "R_RISCV_LO12_S";
}
