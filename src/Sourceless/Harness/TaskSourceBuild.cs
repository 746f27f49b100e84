using Sourceless.Sandbox;
using Sourceless.Tasks;
using Sourceless.Tools;

namespace Sourceless.Harness;

/// <summary>
/// Compiles a task's own C (its reference, change request, planted variant, a typo of it). The
/// built-in tasks are this repository's reviewed text and compile on the host through the
/// ToolRunner. A task imported from someone else's code (<c>tasks import</c>, an origin: line) is
/// untrusted text like a model's reply: `.incbin "/root/.ssh/id_rsa"` in a function body would
/// copy a host file into the bytes and from there into the "expected outputs", so it compiles in
/// the sandbox (<see cref="UntrustedBuild"/>), seeing only its inputs and its work folder.
/// </summary>
public static class TaskSourceBuild
{
    /// <param name="workFolder">The folder the output goes to (writable in the sandbox).</param>
    /// <param name="inputs">Files and folders the compile reads (the source, include folders).</param>
    public static Task<ToolResult> RunAsync(TaskDefinition task, string tool, IReadOnlyList<string> args, string workFolder,
        IReadOnlyList<string> inputs, ToolRunner tools, UntrustedBuild untrusted, CancellationToken ct) =>
        task.IsImported ? untrusted.RunAsync(tool, args, workFolder, inputs, ct) : tools.RunAsync(tool, args, ct);
}
