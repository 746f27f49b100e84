using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sourceless.Experiments;
using Sourceless.Experiments.Interpretability;
using Sourceless.Harness;
using Sourceless.Store;
using Sourceless.Targets;
using Sourceless.Tasks;
using Sourceless.Trials;

namespace Sourceless.Cli;

/// <summary>
/// <c>sourceless rerun RUN FAULT_ID</c>: injects one stored fault again (the same flipped bit or the
/// same typo, the same tests, the same budget, in the same sandbox) and prints what happened next
/// to what the trial stored, so any row of the interpretability experiment can be checked by hand.
/// </summary>
public static class RerunCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "A run folder (holding results.duckdb)." };
        var fault = new Argument<string>("fault-id") { Description = "A fault id from the report or the faults table, e.g. 'add_sat/v1/gcc/x86_64/gcc/-O2/g0|flip|12.3' (bit 3 of byte 12) or '...|typo|2'." };
        var json = new Option<bool>("--json") { Description = "Print the stored and the re-run row as one JSON object." };
        var cmd = new Command("rerun", "Re-run one injected fault (bit flip or typo) of a trial's interpretability experiment and compare it with the stored row.");
        cmd.Arguments.Add(run);
        cmd.Arguments.Add(fault);
        cmd.Options.Add(json);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            string folder = RunFolder.ForResume(pr.GetValue(run)!);
            string id = pr.GetValue(fault)!;
            using var store = TrialStore.Open(Path.Combine(folder, TrialStore.FileName), readOnly: true);
            var stored = FaultRerun.Stored(store, "f.fault_id = $1", id).FirstOrDefault();
            if (stored is null)
            {
                var some = SomeFaultIds(store);
                throw new UserError(some.Count == 0
                    ? $"{folder} has no injected faults (was the interpretability experiment run?)"
                    : $"no fault '{id}' in {folder}; fault ids look like: {string.Join(", ", some)}");
            }
            var row = await RerunAsync(store, stored, ct);
            if (pr.GetValue(json)) PrintJson(stored, row);
            else Print(stored, row, store, folder);
            return 0;
        }));
        return cmd;
    }

    private static async Task<FaultRow> RerunAsync(TrialStore store, StoredFault stored, CancellationToken ct)
    {
        await Toolchain.CheckAsync([Target.Parse(stored.Target)], Tools.ToolRunner.Shared, ct);
        string workRoot = Path.Combine("/var/tmp", $"sourceless-rerun-{Environment.ProcessId}");
        try
        {
            return await FaultRerun.RunAsync(store, stored, new TrialServices(workRoot, 1), ct);
        }
        finally
        {
            try { Directory.Delete(workRoot, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The first three stored fault ids, to show what one looks like.</summary>
    internal static IReadOnlyList<string> SomeFaultIds(TrialStore store) =>
        store.Rows<StoredId>("SELECT fault_id FROM faults ORDER BY fault_id LIMIT 3").Select(r => r.FaultId).ToList();

    private sealed record StoredId(string FaultId);

    private static string? Text(object? v) => v is null ? null : Convert.ToString(v, CultureInfo.InvariantCulture);

    private static void Print(StoredFault stored, FaultRow now, TrialStore store, string folder)
    {
        Console.WriteLine($"fault {now.FaultId}");
        if (now.Kind == "flip")
        {
            var code = store.ArtifactCode(now.ArtifactId)!;
            byte before = code[now.Position];
            byte after = (byte)(before ^ (1 << now.Bit!.Value));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  bit {now.Bit} of image byte 0x{now.Position:x}: 0x{before:x2} -> 0x{after:x2}; source line {Text(now.SourceLine) ?? "unknown (no debug info)"}"));
        }
        else Console.WriteLine($"  typo {now.Edit} on source line {now.SourceLine}");
        Console.WriteLine($"  {"",-8} {"outcome",-20} {"signal",-7} {"diag line",-10} {"fault line",-11} {"located",-8} detail");
        Console.WriteLine($"  {"stored",-8} {stored.Outcome,-20} {Text(stored.Signal) ?? "-",-7} {Text(stored.DiagnosticLine) ?? "-",-10} {Text(stored.FaultLine) ?? "-",-11} {Text(stored.Located),-8} {stored.Detail}");
        Console.WriteLine($"  {"now",-8} {now.Outcome,-20} {Text(now.Signal) ?? "-",-7} {Text(now.DiagnosticLine) ?? "-",-10} {Text(now.FaultLine) ?? "-",-11} {now.Located,-8} {now.Detail}");
        bool same = Same(stored, now);
        Console.WriteLine(same ? "  same as stored" : "  DIFFERS from stored");
    }

    private static bool Same(StoredFault stored, FaultRow now) => FaultRerun.Same(stored, now);

    private static void PrintJson(StoredFault stored, FaultRow now)
    {
        using var stdout = Console.OpenStandardOutput();
        using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("fault_id", now.FaultId);
        w.WriteBoolean("same", Same(stored, now));
        foreach (var (name, outcome, signal, diag, faultLine, located, detail) in new[]
        {
            ("stored", stored.Outcome, Text(stored.Signal), Text(stored.DiagnosticLine), Text(stored.FaultLine), Text(stored.Located), stored.Detail),
            ("now", now.Outcome, Text(now.Signal), Text(now.DiagnosticLine), Text(now.FaultLine), Text(now.Located), now.Detail),
        })
        {
            w.WriteStartObject(name);
            w.WriteString("outcome", outcome);
            w.WriteString("signal", signal);
            w.WriteString("diagnostic_line", diag);
            w.WriteString("fault_line", faultLine);
            w.WriteString("located", located);
            w.WriteString("detail", detail);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.Flush();
        stdout.WriteByte((byte)'\n');
    }
}
