using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MlOps.Analyzers
{
    /// <summary>
    /// The datasets a project declares with MlOps.Sdk, as the analyzers see them: the SDK compiles a generated
    /// class <c>MlDatasets</c> (marked <c>[GeneratedCode("MlOps.Sdk", ...)]</c>) with one nested class per dataset
    /// holding <c>const string Path</c>, and passes <c>build_property.UsingMlOpsSdk = true</c> to the compiler
    /// (<c>CompilerVisibleProperty</c>). Read once per compilation.
    /// </summary>
    internal sealed class DeclaredDatasets
    {
        private readonly ImmutableArray<Dataset> datasets;
        private readonly ImmutableHashSet<INamedTypeSymbol> generatedTypes;

        private DeclaredDatasets(bool usingSdk, ImmutableArray<Dataset> datasets, ImmutableHashSet<INamedTypeSymbol> generatedTypes)
        {
            UsingSdk = usingSdk;
            this.datasets = datasets;
            this.generatedTypes = generatedTypes;
        }

        /// <summary>The project uses MlOps.Sdk (the build says so, or the generated class is there).</summary>
        public bool UsingSdk { get; }

        public sealed class Match
        {
            public Match(string memberName, bool exactMatch)
            {
                MemberName = memberName;
                ExactMatch = exactMatch;
            }

            /// <summary>The generated class of the dataset, e.g. <c>global::Trainer.MlDatasets.Train</c>.</summary>
            public string MemberName { get; }

            /// <summary>The path is the dataset's <c>Path</c> itself (not a file inside its folder, nor a longer relative path).</summary>
            public bool ExactMatch { get; }
        }

        public static DeclaredDatasets Find(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
        {
            var usingSdk = options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue("build_property.UsingMlOpsSdk", out var flag)
                && string.Equals(flag?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

            var datasets = ImmutableArray.CreateBuilder<Dataset>();
            var generated = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var symbol in compilation.GetSymbolsWithName("MlDatasets", SymbolFilter.Type, cancellationToken))
            {
                if (symbol is not INamedTypeSymbol type || !IsSdkGenerated(type))
                {
                    continue;
                }

                foreach (var nested in type.GetTypeMembers())
                {
                    foreach (var member in nested.GetMembers("Path"))
                    {
                        if (member is IFieldSymbol { IsConst: true, ConstantValue: string path })
                        {
                            datasets.Add(new Dataset(Normalize(path), "global::" + nested.ToDisplayString()));
                            generated.Add(nested);
                        }
                    }
                }
            }

            return new DeclaredDatasets(usingSdk || datasets.Count > 0, datasets.ToImmutable(), generated.ToImmutable());
        }

        /// <summary>
        /// The value reads a constant of the generated class (<c>MlDatasets.Train.Path</c>, possibly combined, or
        /// through a local or field of the same file initialized from it).
        /// </summary>
        public bool IsGeneratedConstant(IOperation value) => !generatedTypes.IsEmpty && ReadsGenerated(value, depth: 0);

        private bool ReadsGenerated(IOperation value, int depth)
        {
            if (depth > 4)
            {
                return false;
            }

            foreach (var operation in value.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IFieldReferenceOperation { Field: var field } when field.ContainingType is { } containing && generatedTypes.Contains(containing):
                        return true;
                    case ILocalReferenceOperation { Local: var local } when Initializer(local, operation) is { } initializer && ReadsGenerated(initializer, depth + 1):
                        return true;
                    case IFieldReferenceOperation { Field: var field } when (field.IsConst || field.IsReadOnly) && Initializer(field, operation) is { } initializer && ReadsGenerated(initializer, depth + 1):
                        return true;
                }
            }

            return false;
        }

        /// <summary>The initializer of a local or field declared in the same file as <paramref name="use"/> (no other semantic model is asked).</summary>
        private static IOperation? Initializer(ISymbol symbol, IOperation use)
        {
            var model = use.SemanticModel;
            if (model is null)
            {
                return null;
            }

            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != model.SyntaxTree)
                {
                    continue;
                }

                switch (model.GetOperation(reference.GetSyntax()))
                {
                    case IVariableDeclaratorOperation { Initializer.Value: { } value }:
                        return value;
                    case IFieldInitializerOperation { Value: { } value }:
                        return value;
                }

                if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { Initializer.Value: { } syntax })
                {
                    return model.GetOperation(syntax);
                }
            }

            return null;
        }

        /// <summary>The declared dataset a relative path names: exactly, as a file inside its folder, or after leading <c>../</c> steps.</summary>
        public Match? MatchPath(string path)
        {
            var candidate = Normalize(path);
            Match? partial = null;
            foreach (var dataset in datasets)
            {
                if (dataset.Path.Length == 0)
                {
                    continue;
                }

                if (string.Equals(candidate, dataset.Path, StringComparison.Ordinal))
                {
                    return new Match(dataset.MemberName, exactMatch: true);
                }

                if (partial is null
                    && (candidate.EndsWith("/" + dataset.Path, StringComparison.Ordinal)
                        || candidate.StartsWith(dataset.Path + "/", StringComparison.Ordinal)
                        || candidate.IndexOf("/" + dataset.Path + "/", StringComparison.Ordinal) >= 0))
                {
                    partial = new Match(dataset.MemberName, exactMatch: false);
                }
            }

            return partial;
        }

        private static bool IsSdkGenerated(INamedTypeSymbol type)
        {
            foreach (var attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "GeneratedCodeAttribute" } attributeClass
                    && attributeClass.ContainingNamespace?.ToDisplayString() == "System.CodeDom.Compiler"
                    && attribute.ConstructorArguments.Length > 0
                    && attribute.ConstructorArguments[0].Value is "MlOps.Sdk")
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>'/' separators, no leading "./", no trailing '/'.</summary>
        private static string Normalize(string path)
        {
            var normalized = path.Replace('\\', '/');
            while (normalized.StartsWith("./", StringComparison.Ordinal))
            {
                normalized = normalized.Substring(2);
            }

            return normalized.TrimEnd('/');
        }

        private sealed class Dataset
        {
            public Dataset(string path, string memberName)
            {
                Path = path;
                MemberName = memberName;
            }

            public string Path { get; }

            public string MemberName { get; }
        }
    }
}
