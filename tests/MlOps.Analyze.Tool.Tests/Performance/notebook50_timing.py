#!/usr/bin/env python3
"""Times mlops-analyze on the 50-cell notebook of notebook50.py (docs/performance.md section 12).

usage: notebook50_timing.py [rounds]     (from the repository root; default 7 rounds)

Packs the tool as a user gets it (this machine's RID, ReadyToRun, and the IL 'any' package) under a version of its
own into a temporary feed, installs it with `dotnet tool install --tool-path`, and runs, interleaved in each round:
  r2r-notebook   the installed tool on Notebook50.ipynb          (the figure of the issue's 2 s target)
  il-notebook    the same tool's IL build (what the 'any' package runs, JIT-compiled) on the same notebook
  r2r-cs         the installed tool on the same code as one .cs file (a plain compilation)
Prints every round (wall and user+sys CPU seconds), the medians and the paired ratios to r2r-notebook.
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
root = os.getcwd()
tool_project = os.path.join(root, "src", "MlOps.Analyze.Tool")
if not os.path.isdir(tool_project):
    sys.exit("run from the repository root")

work = tempfile.mkdtemp(prefix="mlops-nb50-")
version = "0.0.1-perf." + str(int(time.time()))
rid = next(l.split(":", 1)[1].strip() for l in subprocess.run(["dotnet", "--info"], capture_output=True, text=True).stdout.splitlines() if l.strip().startswith("RID:"))
subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "notebook50.py"), work], check=True)
subprocess.run(["dotnet", "build", "-c", "Release", tool_project, "-nologo", "-v", "q"], check=True, stdout=subprocess.DEVNULL)
subprocess.run(["dotnet", "pack", "-c", "Release", tool_project, "-nologo", "-v", "q", "-o", os.path.join(work, "feed"),
                f"-p:Version={version}", f"-p:ToolPackageRuntimeIdentifiers=\"{rid};any\""], check=True, stdout=subprocess.DEVNULL)
subprocess.run(["dotnet", "tool", "install", "--tool-path", os.path.join(work, "tools"), "--add-source", os.path.join(work, "feed"),
                "--version", version, "MlOps.Analyze.Tool"], check=True, stdout=subprocess.DEVNULL)
installed = os.path.join(work, "tools", "mlops-analyze")
il = os.path.join(tool_project, "bin", "Release", "net10.0", "MlOps.Analyze.Tool.dll")
runs = {
    "r2r-notebook": [installed, "Notebook50.ipynb", "--no-restore"],
    "il-notebook": ["dotnet", il, "Notebook50.ipynb", "--no-restore"],
    "r2r-cs": [installed, "Notebook50.cs", "--no-restore", "--package", "Microsoft.ML,5.0.1"],
}


def timed(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=work, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), result.stdout.count(": MLOPS") + result.stdout.count(" MLOPS")


timed(runs["r2r-notebook"])  # the first run after install pays for cold files: not counted
results = {name: [] for name in runs}
print(f"# {rid}, {rounds} rounds, load average {os.getloadavg()[0]:.2f} at the start")
for r in range(rounds):
    for name, command in runs.items():
        wall, cpu, findings = timed(command)
        results[name].append((wall, cpu))
        print(f"round {r + 1} {name:13} {wall:5.2f} s wall {cpu:5.2f} s CPU  {findings} findings")
print(f"# load average {os.getloadavg()[0]:.2f} at the end")
for name, values in results.items():
    walls = [w for w, _ in values]
    cpus = [c for _, c in values]
    paired = [w / n for (w, _), (n, _) in zip(values, results["r2r-notebook"])]
    print(f"{name:13} wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}), CPU median {statistics.median(cpus):.2f} s, paired wall ratio to r2r-notebook {statistics.median(paired):.2f}")
