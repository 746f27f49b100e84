namespace Sourceless.Targets;

/// <summary>An instruction set Sourceless builds for and runs on: x86_64 natively, aarch64 and
/// riscv64 through Debian's cross gcc and qemu-user (called explicitly: binfmt_misc is not
/// assumed).</summary>
public sealed record Isa(string Name, string Triple, string? Qemu, string? Sysroot)
{
    public static readonly Isa X86_64 = new("x86_64", "x86_64-linux-gnu", null, null);
    public static readonly Isa Aarch64 = new("aarch64", "aarch64-linux-gnu", "qemu-aarch64", "/usr/aarch64-linux-gnu");
    public static readonly Isa Riscv64 = new("riscv64", "riscv64-linux-gnu", "qemu-riscv64", "/usr/riscv64-linux-gnu");

    public static IReadOnlyList<Isa> All { get; } = [X86_64, Aarch64, Riscv64];

    public bool IsNative => Qemu is null;

    /// <summary>Binutils and gcc for this ISA (the host's own for x86_64).</summary>
    public string Gcc => IsNative ? "gcc" : $"{Triple}-gcc";
    public string Ld => IsNative ? "ld" : $"{Triple}-ld";
    public string Objdump => IsNative ? "objdump" : $"{Triple}-objdump";

    public static Isa Parse(string name) =>
        All.FirstOrDefault(i => i.Name == name) ?? throw new UserError($"unknown ISA '{name}' (known: {string.Join(", ", All.Select(i => i.Name))})");

    public override string ToString() => Name;
}
