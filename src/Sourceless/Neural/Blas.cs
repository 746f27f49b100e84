using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sourceless.Neural;

/// <summary>
/// Single-precision matrix products through OpenBLAS (Debian's libopenblas0, cblas_sgemm), all
/// row-major. Every product the model does goes through <see cref="Gemm"/>, which also counts the
/// floating-point work and the time spent, so `sourceless bench neural` can set the training
/// throughput against what the same products cost in OpenBLAS alone.
/// </summary>
public static unsafe partial class Blas
{
    private const string Library = "libopenblas.so.0";
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    [LibraryImport(Library, EntryPoint = "cblas_sgemm")]
    private static partial void Sgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library, EntryPoint = "openblas_set_num_threads")]
    private static partial void SetNumThreads(int threads);

    [LibraryImport(Library, EntryPoint = "openblas_get_num_threads")]
    private static partial int GetNumThreads();

    private static long _flops, _ticks;

    /// <summary>When set, every product's shape is added here (the benchmark replays them in
    /// OpenBLAS alone).</summary>
    public static List<GemmShape>? Recorder { get; set; }

    public sealed record GemmShape(bool TransA, bool TransB, int M, int N, int K, int Lda, int Ldb, int Ldc);

    /// <summary>Floating-point operations done in products since the last <see cref="ResetCounters"/>.</summary>
    public static long Flops => Interlocked.Read(ref _flops);

    /// <summary>Seconds spent inside products since the last <see cref="ResetCounters"/>.</summary>
    public static double Seconds => Interlocked.Read(ref _ticks) / (double)Stopwatch.Frequency;

    public static void ResetCounters() { Interlocked.Exchange(ref _flops, 0); Interlocked.Exchange(ref _ticks, 0); }

    /// <summary>Fixes OpenBLAS's thread count: results are deterministic for a given count.</summary>
    public static void UseThreads(int threads)
    {
        try { SetNumThreads(Math.Max(1, threads)); }
        catch (DllNotFoundException e) { throw Missing(e); }
    }

    public static int Threads => GetNumThreads();

    /// <summary>OpenBLAS's own thread count for a run given <paramref name="threads"/>: one, unless
    /// SOURCELESS_BLAS_THREADS says otherwise. On this machine's two cores sgemm does not scale
    /// (1 thread 28 GFLOP/s, 2 threads 16-19: `sourceless bench neural --threads 1` and `2`), so
    /// the second thread goes to the row loops and the attention pairs instead.</summary>
    public static int ThreadsFor(int threads) =>
        int.TryParse(Environment.GetEnvironmentVariable("SOURCELESS_BLAS_THREADS"), out int t) && t > 0 ? Math.Min(t, threads) : 1;

    /// <summary>Runs many small products from several threads at once, with OpenBLAS itself on
    /// one thread for the duration (its own threading costs more than such a product).</summary>
    public static void SingleThreaded(Action body)
    {
        int threads = GetNumThreads();
        if (threads == 1) { body(); return; }
        SetNumThreads(1);
        try { body(); }
        finally { SetNumThreads(threads); }
    }

    /// <summary>C = alpha op(A) op(B) + beta C, with op(A) m x k and op(B) k x n; lda, ldb, ldc are
    /// the row strides of A, B and C as stored.</summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (m == 0 || n == 0) return;
        Recorder?.Add(new GemmShape(transA, transB, m, n, k, lda, ldb, ldc));
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            Sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        catch (DllNotFoundException e) { throw Missing(e); }
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - t0);
        Interlocked.Add(ref _flops, 2L * m * n * k);
    }

    private static UserError Missing(Exception e) =>
        new($"OpenBLAS is missing ({e.Message}): install Debian's libopenblas0 (./sourceless installs it)");
}
