using System.CommandLine;
using System.Globalization;
using Sourceless.Store;
using Sourceless.Trials;

namespace Sourceless.Cli;

/// <summary><c>sourceless query RUN SQL</c>: any read-only SQL on a run's store, printed as
/// tab-separated rows with a header, so every figure of a report can be traced to its raw rows
/// without installing the DuckDB shell.</summary>
public static class QueryCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "A run folder (holding results.duckdb)." };
        var sql = new Argument<string>("sql") { Description = "A SQL query, e.g. the 'SQL behind the score' printed in a report section. Tables: docs/store-schema.md." };
        var cmd = new Command("query", "Run a read-only SQL query on a run's results.duckdb and print the rows as tab-separated text (BLOB columns as their size).");
        cmd.Arguments.Add(run);
        cmd.Arguments.Add(sql);
        cmd.SetAction(pr => CliAction.RunAsync(() =>
        {
            string folder = RunFolder.ForResume(pr.GetValue(run)!);
            using var store = TrialStore.Open(Path.Combine(folder, TrialStore.FileName), readOnly: true, anyVersion: true);
            List<Dictionary<string, object?>> rows;
            try
            {
                rows = store.Query(pr.GetValue(sql)!);
            }
            catch (DuckDB.NET.Data.DuckDBException e)
            {
                throw new UserError("query failed: " + e.Message.Split('\n')[0]);
            }
            if (rows.Count > 0) Console.WriteLine(string.Join('\t', rows[0].Keys));
            foreach (var r in rows) Console.WriteLine(string.Join('\t', r.Values.Select(Cell)));
            Console.Error.WriteLine($"{rows.Count} rows");
            return Task.FromResult(0);
        }));
        return cmd;
    }

    private static string Cell(object? v) => v switch
    {
        null => "NULL",
        byte[] b => $"<{b.Length} bytes>",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => (v.ToString() ?? "").Replace('\t', ' ').Replace('\n', ' '),
    };
}
