#!/usr/bin/env python3
"""Writes a 50-cell Polyglot notebook of ML.NET code and the same code as one C# file (docs/performance.md).

usage: notebook50.py <folder>   ->  <folder>/Notebook50.ipynb, <folder>/Notebook50.cs
"""
import json
import os
import sys

folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
usings = ["using Microsoft.ML;", "using Microsoft.ML.Data;", "using System.IO;"]
types = [
    "public class HouseData",
    "{",
    "    [LoadColumn(0)] public float Size { get; set; }",
    "    [LoadColumn(1)] public float Price { get; set; }",
    "}",
]
cells = [["#r \"nuget: Microsoft.ML, 5.0.1\""] + usings, types]
statements = []
for i in range(48):
    seeded = "" if i % 4 == 0 else f"seed: {i}"
    code = [
        f"var ml{i} = new MLContext({seeded});",
        f"var rows{i} = Enumerable.Range(1, 50).Select(x => new HouseData {{ Size = x, Price = x * {i + 1}.5f }}).ToList();",
        f"var data{i} = ml{i}.Data.LoadFromEnumerable(rows{i});",
        f"var split{i} = ml{i}.Data.TrainTestSplit(data{i}, testFraction: 0.2, seed: {i});",
        f"var pipeline{i} = ml{i}.Transforms.Concatenate(\"Features\", nameof(HouseData.Size))",
        f"    .Append(ml{i}.Regression.Trainers.Sdca(labelColumnName: nameof(HouseData.Price)));",
        f"var model{i} = pipeline{i}.Fit(split{i}.TrainSet);",
        f"var metrics{i} = ml{i}.Regression.Evaluate(model{i}.Transform(split{i}.TestSet), labelColumnName: nameof(HouseData.Price));",
        f"ml{i}.Model.Save(model{i}, {'null' if i % 5 == 0 else f'data{i}.Schema'}, Path.Combine(Path.GetTempPath(), \"model{i}.zip\"));",
        f"metrics{i}.RSquared",
    ]
    cells.append(code)
    statements += code[:-1] + [f"Console.WriteLine({code[-1]});"]

notebook = {
    "cells": [
        {"cell_type": "code", "execution_count": None, "metadata": {"polyglot_notebook": {"kernelName": "csharp"}},
         "outputs": [], "source": [line + "\n" for line in cell[:-1]] + [cell[-1]]}
        for cell in cells
    ],
    "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
                 "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp"}}},
    "nbformat": 4,
    "nbformat_minor": 2,
}
with open(os.path.join(folder, "Notebook50.ipynb"), "w") as f:
    json.dump(notebook, f, indent=1)
with open(os.path.join(folder, "Notebook50.cs"), "w") as f:
    f.write("\n".join(usings + statements + types) + "\n")
print(f"{len(cells)} cells, {sum(len(c) for c in cells)} lines")
