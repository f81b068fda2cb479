//! `--help` is complete and specific: every argument says what it is, and a command lists only
//! its own options and the global ones.
use crate::commands::Cli;
use clap::CommandFactory;

/// Every subcommand, depth first, with its path (`sources add`).
fn all(cmd: &clap::Command, path: String, out: &mut Vec<(String, clap::Command)>) {
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let p = format!("{path} {}", sub.get_name()).trim().to_owned();
        out.push((p.clone(), sub.clone()));
        all(sub, p, out);
    }
}

#[test]
fn every_argument_of_every_command_is_described() {
    let mut cmd = Cli::command();
    cmd.build();
    let mut commands = Vec::new();
    all(&cmd, String::new(), &mut commands);
    assert!(commands.len() > 20, "{}", commands.len());
    let mut missing = Vec::new();
    for (path, sub) in &commands {
        if sub.get_about().is_none() {
            missing.push(format!("`{path}` itself"));
        }
        for arg in sub.get_arguments().filter(|a| !matches!(a.get_id().as_str(), "help" | "version")) {
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("`{path}`: {}", arg.get_id()));
            }
        }
    }
    assert!(missing.is_empty(), "arguments without a description:\n{}", missing.join("\n"));
}

#[test]
fn only_serve_init_and_config_take_the_instance_flags() {
    let mut cmd = Cli::command();
    cmd.build();
    let mut commands = Vec::new();
    all(&cmd, String::new(), &mut commands);
    let takes = |sub: &clap::Command, id: &str| sub.get_arguments().any(|a| a.get_id().as_str() == id);
    for (path, sub) in &commands {
        let instance = matches!(path.as_str(), "serve" | "init" | "config");
        assert_eq!(takes(sub, "listen"), instance, "`{path}` and --listen");
        assert_eq!(takes(sub, "review_approvals"), instance, "`{path}` and --review-approvals");
        assert!(takes(sub, "data_dir") && takes(sub, "database"), "`{path}` lacks the global --data-dir/--database");
    }
}
