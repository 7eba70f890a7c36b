# Homebrew formula for awsume. The release workflow (.github/workflows/release.yml) writes the
# version, the tarball's URL and its sha256 into a copy of this file and attaches it to the release;
# a tap takes that copy as it is.
class Awsume < Formula
  desc "Fast AWS credentials for any profile: your shell, a command, a file or credential_process"
  homepage "https://github.com/awsume-rs/awsume"
  url "https://github.com/awsume-rs/awsume/archive/refs/tags/v0.1.0.tar.gz"
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"
  license "MIT"
  head "https://github.com/awsume-rs/awsume.git", branch: "main"

  depends_on "rust" => :build

  def install
    system "cargo", "install", *std_cargo_args
    bin.install_symlink "awsume" => "aws-export-credentials"
    man1.install "man/awsume.1", "man/aws-export-credentials.1"
    bash_completion.install "completions/awsume.bash" => "awsume"
    bash_completion.install "completions/aws-export-credentials.bash" => "aws-export-credentials"
    zsh_completion.install "completions/_awsume", "completions/_aws-export-credentials"
    fish_completion.install "completions/awsume.fish", "completions/aws-export-credentials.fish"
  end

  def caveats
    <<~EOS
      Load the shell function once, in your rc file:
        bash: eval "$(command awsume init bash)"        in ~/.bashrc
        zsh:  eval "$(command awsume init zsh)"         in ~/.zshrc
        fish: command awsume init fish | source         in ~/.config/fish/config.fish
    EOS
  end

  test do
    assert_match version.to_s, shell_output("#{bin}/awsume --version")
    assert_match "awsume", shell_output("#{bin}/awsume init bash")
    assert_match "credential_process", shell_output("#{bin}/aws-export-credentials --help")
  end
end
