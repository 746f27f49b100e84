using Sourceless.Trials;

namespace Sourceless.Tests.Trials;

/// <summary>Progress a person can read: a live bar with rate and ETA on a terminal, plain lines
/// anywhere else, and warnings printed between two redraws on lines of their own.</summary>
[Trait(Quick.Trait, Quick.Value)]
public sealed class ProgressReporterSpecs
{
    private const string Clear = "\r\u001b[K";

    /// <summary>A clock the test moves.</summary>
    private sealed class Clock
    {
        public TimeSpan Now;
        public TimeSpan Read() => Now;
    }

    [Fact]
    public void Without_a_terminal_progress_is_plain_lines()
    {
        var sw = new StringWriter();
        var p = new ProgressReporter("generate", 3, sw);
        p.Tick();
        p.Tick(ok: false);
        p.Tick();
        string text = sw.ToString();
        Assert.DoesNotContain('\r', text);
        Assert.DoesNotContain('\u001b', text);
        var lines = text.Split(sw.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("[generate] ", l));
        Assert.StartsWith("[generate] 0/3 (0%) ", lines[0]);
        Assert.StartsWith("[generate] 3/3 (100%) ", lines[^1]);
        Assert.EndsWith(", 1 failed", lines[^1]);
        Assert.EndsWith(sw.NewLine, text);
        Assert.Equal(3, p.Done);
    }

    [Fact]
    public void On_a_terminal_a_bar_shows_rate_ETA_and_failures_and_ends_with_a_newline()
    {
        var sw = new StringWriter();
        var clock = new Clock();
        var p = new ProgressReporter("generate", 4, sw, interactive: true, clock.Read, () => 100);
        clock.Now = TimeSpan.FromSeconds(1);
        p.Tick();
        clock.Now = TimeSpan.FromSeconds(2);
        p.Tick(ok: false);
        string half = sw.ToString();
        // Redrawn in place: no newline until the stage is done.
        Assert.DoesNotContain('\n', half);
        string bar = half[(half.LastIndexOf(Clear, StringComparison.Ordinal) + Clear.Length)..];
        Assert.Equal("generate [###############---------------] 2/4 (50%) 1.0/s elapsed 0:02 ETA 0:02, 1 failed", bar);

        clock.Now = TimeSpan.FromSeconds(3);
        p.Tick();
        clock.Now = TimeSpan.FromSeconds(4);
        p.Tick();
        string text = sw.ToString();
        Assert.EndsWith("generate [##############################] 4/4 (100%) 1.0/s elapsed 0:04, 1 failed" + sw.NewLine, text);
        Assert.Equal(1, text.Count(c => c == '\n'));
        Assert.StartsWith(Clear + "generate [------------------------------] 0/4 (0%) ", text);
    }

    [Fact]
    public void A_warning_between_two_redraws_gets_a_line_of_its_own_and_the_bar_comes_back_below_it()
    {
        var sw = new StringWriter();
        var terminal = new TerminalLines(sw);
        var clock = new Clock();
        var p = new ProgressReporter("audit", 3, terminal, interactive: true, clock.Read, () => 80);
        clock.Now = TimeSpan.FromSeconds(1);
        p.Tick();
        terminal.WriteLine("warning: cppcheck timed out");
        Assert.False(terminal.BarShown);
        // Within the redraw interval, yet drawn again at once: the warning took its place.
        p.Tick();
        Assert.True(terminal.BarShown);
        clock.Now = TimeSpan.FromSeconds(3);
        p.Tick();

        var lines = sw.ToString().Split(sw.NewLine);
        // Each line as the terminal shows it: what follows the last erase.
        var shown = lines.Select(l => l[(l.LastIndexOf(Clear, StringComparison.Ordinal) is var i and >= 0 ? i + Clear.Length : 0)..]).ToList();
        Assert.Equal("warning: cppcheck timed out", shown[0]);
        Assert.StartsWith("audit [", shown[1]);
        Assert.Contains("3/3 (100%) 1.0/s elapsed 0:03", shown[1]);
        Assert.Equal("", shown[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void Text_that_did_not_end_its_line_keeps_it_and_the_bar_starts_below()
    {
        var sw = new StringWriter();
        var terminal = new TerminalLines(sw);
        terminal.Write("building... ");
        var p = new ProgressReporter("setup: tests", 0, terminal, interactive: true, () => TimeSpan.Zero, () => 80);
        Assert.Equal("building... " + sw.NewLine + Clear + "setup: tests [" + new string('#', 22) + "] 0/0 (100%) 0.0/s elapsed 0:00" + sw.NewLine, sw.ToString());
        Assert.Equal(0, p.Done);
    }

    [Fact]
    public void The_bar_fits_the_terminal_so_it_can_be_redrawn_in_place()
    {
        const string counts = "120/4000 (3%) 12.5/s elapsed 0:10 ETA 5:10, 3 failed";
        foreach (int width in new[] { 20, 40, 60, 80, 200 })
            Assert.True(ProgressReporter.Bar("interpretability", counts, 0.03, width).Length <= width - 1, $"width {width}");
        Assert.Equal("interpretability [#-----------------------------] " + counts, ProgressReporter.Bar("interpretability", counts, 0.03, 200));
        Assert.Equal("interpretability " + counts, ProgressReporter.Bar("interpretability", counts, 0.03, 75));
        // A bar keeps the length it was given while its counts grow.
        Assert.Equal("generate [#---------] 1/9 (11%)", ProgressReporter.Bar("generate", "1/9 (11%)", 0.11, 200, maxCells: 10));
    }
}
