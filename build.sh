#!/usr/bin/env bash
# The repository's test entry point, for a fresh Linux machine that has only the .NET SDK.
#
#   ./build.sh test [options for dotnet test]
#       Installs what the tests need from Debian's packages when it is missing (the list below), then runs
#       `dotnet test MlOpsAnalyzers.sln [options]`. This is the README's test command, and .ci/run calls it.
#   ./build.sh prerequisites
#       Only the installs.
#
# Installing needs root (or sudo without a password). Otherwise the script names the one command to run and
# stops: a test never skips because a tool is missing, so running the tests without it would only fail later.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# What the tests run outside .NET: "<command>:<Debian package>", one per line, with the tests that need it.
# ReadmeJourneyTests checks that every package a test's error message asks for is listed here.
readonly test_tools=(
  "git:git"                                  # tests that build temporary git repositories (runs, MlCheck)
  "chromium:chromium"                        # RunBuildTests: the runs report (runs/index.html) in headless Chromium
  "/usr/bin/docker-registry:docker-registry" # MlPush/MlPull tests: a real OCI registry (CNCF distribution) on loopback
  "htpasswd:apache2-utils"                   # the registry's htpasswd file (bcrypt) for its basic authentication
)

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
}

install_prerequisites() {
  local missing=() entry command package
  for entry in "${test_tools[@]}"; do
    command=${entry%%:*}
    package=${entry#*:}
    command -v "$command" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi

  local install="apt-get install -y ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "build.sh: the tests need ${missing[*]} (Debian package names), and this machine has no apt-get." >&2
    echo "build.sh: install the same programs with this system's package manager, then run ./build.sh test again." >&2
    return 1
  fi

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      echo "build.sh: the tests need Debian's ${missing[*]}, which is not installed, and installing it needs root." >&2
      echo "build.sh: run once:  sudo apt-get update && sudo $install" >&2
      echo "build.sh: then run ./build.sh test again." >&2
      return 1
    fi
  fi

  echo "build.sh: installing Debian's ${missing[*]} for the tests ($install)"
  if ! "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq \
    || ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null; then
    echo "build.sh: could not install ${missing[*]}; run '$install' by hand and look at its message." >&2
    return 1
  fi
}

case "${1:-}" in
  test)
    shift
    install_prerequisites
    exec dotnet test MlOpsAnalyzers.sln "$@"
    ;;
  prerequisites)
    install_prerequisites
    ;;
  -h | --help | help)
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
