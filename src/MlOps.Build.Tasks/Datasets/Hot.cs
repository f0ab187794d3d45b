using System.Runtime.CompilerServices;

namespace MlOps.Build.Tasks.Datasets
{
    /// <summary>
    /// For methods that loop over every data file once per build. A build task runs once in a process that is busy
    /// compiling other code: such a method starts as unoptimized, instrumented code and pays for an on-stack
    /// replacement compile in the middle of its loop (about 20 ms for a loop of 10,000 in a fresh MSBuild process,
    /// measured). Compiled optimized from the start it costs a fraction of that. .NET Framework has no such option.
    /// </summary>
    internal static class Hot
    {
#if NET8_0_OR_GREATER
        public const MethodImplOptions Loop = MethodImplOptions.AggressiveOptimization;
#else
        public const MethodImplOptions Loop = 0;
#endif
    }
}
