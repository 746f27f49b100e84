using System.Diagnostics;

namespace Sourceless.Tests.Support;

/// <summary>Keeps every core busy with spinning shell loops until disposed: a machine under load,
/// for real, to show that stored outcomes do not depend on it.</summary>
public sealed class CpuLoad : IDisposable
{
    private readonly List<Process> _spinners = [];

    public CpuLoad(int processes = 0)
    {
        for (int i = 0; i < (processes > 0 ? processes : Environment.ProcessorCount); i++)
        {
            var psi = new ProcessStartInfo("/bin/sh", ["-c", "while :; do :; done"]) { UseShellExecute = false };
            _spinners.Add(Process.Start(psi)!);
        }
    }

    public int Count => _spinners.Count(p => !p.HasExited);

    public void Dispose()
    {
        foreach (var p in _spinners)
        {
            try { p.Kill(); p.WaitForExit(5000); } catch (InvalidOperationException) { }
            p.Dispose();
        }
    }
}
