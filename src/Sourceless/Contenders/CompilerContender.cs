using System.Diagnostics;
using Sourceless.Artifacts;
using Sourceless.Harness;
using Sourceless.Targets;

namespace Sourceless.Contenders;

/// <summary>The compiler itself: the task's reference source (or v2 source) through real gcc or
/// clang, then linked into a bare image. Its artifact carries the source, the object file (with
/// symbols, relocations and DWARF) and the list of imports it calls.</summary>
public sealed class CompilerContender(string compiler, ContenderServices services) : IContender
{
    /// <summary>"gcc" or "clang": no argument.</summary>
    public sealed class Kind(string compiler) : IContenderKind
    {
        public string Prefix => compiler;
        public string Syntax => compiler;
        public string Help => $"the task's reference C through the real {compiler}";
        public bool Matches(string name) => name == compiler;
        public string Canonical(string name) => compiler;
        public IContender Create(string canonical, ContenderContext context) => context.Compilers[compiler];
    }

    public string Name => compiler;

    public string Description => $"reference C source compiled by {compiler} (real toolchain, cross for aarch64/riscv64)";

    public bool Serves(Target target) => target.Compiler == compiler;

    // One compile per (task, version, target, generation) in a trial: noisy:P stands on the
    // compiler's generation i for the same slot, so it takes that result instead of compiling
    // again. Generations i != j are still separate compiles (determinism is measured on them).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<Generation>>> _generations = new();

    public Task<Generation> GenerateAsync(GenerationRequest request, CancellationToken ct) =>
        _generations.GetOrAdd($"{request.Task.Name}|{request.Version.Label}|{request.Target.Id}|{request.Index}",
            _ => new Lazy<Task<Generation>>(() => CompileAsync(request, ct))).Value;

    private async Task<Generation> CompileAsync(GenerationRequest request, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var target = request.Target;
        string obj = Path.Combine(request.WorkFolder, "function.o");
        var (tool, _) = Toolchain.Compiler(target.Compiler, target.Isa);
        var args = Toolchain.CompileArgs(target, request.Version.ReferencePath, obj,
            [request.HeaderFolder, SourcelessHome.LibDepDir]);
        var compile = await Harness.TaskSourceBuild.RunAsync(request.Task, tool, args, request.WorkFolder,
            [request.Version.ReferencePath, request.HeaderFolder, SourcelessHome.LibDepDir], services.Tools, services.Untrusted, ct);
        if (!compile.Succeeded) return Generation.Failed("compile: " + compile.ErrorSummary(), sw, [compile.Invocation]);
        var link = await services.Linker.LinkAsync(target.Isa, obj, request.Task.Signature.Name, request.WorkFolder, ct);
        if (link.Image is null) return Generation.Failed(link.Failure!, sw, [compile.Invocation, .. link.Invocations]);
        string source = ArtifactSource.Compose(request.Task.Header, Path.GetFileName(request.Version.ReferencePath),
            await File.ReadAllTextAsync(request.Version.ReferencePath, ct));
        var artifact = new Artifact(request.Task.Name, request.Version.Label, Name, target, request.Index, link.Image,
            source, await File.ReadAllBytesAsync(obj, ct), link.Dependencies, link.DebugImage);
        sw.Stop();
        return Generation.Success(artifact, sw, [compile.Invocation, .. link.Invocations]);
    }
}
