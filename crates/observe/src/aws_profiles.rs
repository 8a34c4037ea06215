//! The user's AWS profiles, read from the shared config and credentials
//! files as the AWS CLI and SDKs find them (`AWS_CONFIG_FILE`,
//! `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and
//! `~/.aws/credentials`).
//!
//! Only section names and the settings the connections panel shows
//! (`region`, `sso_session`, `sso_start_url`) are kept; every other value,
//! secrets included, is dropped as the line is read and never returned.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use choreoscope_model::{AwsProfile, AwsProfiles};

/// AWS's commercial regions (not GovCloud or China, which need their own
/// accounts), in the console's order.
pub const COMMERCIAL_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

/// The regions to pick from, `first` (a profile's region) at the top.
pub fn regions(first: Option<&str>) -> Vec<String> {
    let mut list: Vec<String> = first.into_iter().map(str::to_owned).collect();
    list.extend(COMMERCIAL_REGIONS.iter().filter(|r| Some(**r) != first).map(|r| (*r).to_owned()));
    list
}

/// Where the shared config and credentials files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFiles {
    /// The config file (`[default]`, `[profile x]`, `[sso-session x]`).
    pub config: Option<PathBuf>,
    /// The credentials file (`[x]`).
    pub credentials: Option<PathBuf>,
}

impl ProfileFiles {
    /// The files the AWS CLI would read: the environment's, else `~/.aws/`.
    pub fn from_env() -> Self {
        let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).map(PathBuf::from);
        let file = |var: &str, default: &str| match std::env::var(var) {
            Ok(path) if !path.trim().is_empty() => Some(expand_home(path.trim(), home.as_deref())),
            _ => home.as_ref().map(|home| home.join(".aws").join(default)),
        };
        Self {
            config: file("AWS_CONFIG_FILE", "config"),
            credentials: file("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
        }
    }

    /// Reads both files: every profile, with the regions (the default
    /// profile's region first). A missing file is not a problem; an
    /// unreadable one is said in `problems`.
    pub fn read(&self) -> AwsProfiles {
        let mut problems = Vec::new();
        let mut read = |path: &Option<PathBuf>| -> Option<String> {
            let path = path.as_ref()?;
            match std::fs::read_to_string(path) {
                Ok(text) => Some(text),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
                Err(error) => {
                    problems.push(format!("{} could not be read: {error}", path.display()));
                    None
                }
            }
        };
        let config = read(&self.config);
        let credentials = read(&self.credentials);
        let profiles = merge(config.as_deref().map(parse_config), credentials.as_deref().map(parse_credentials));
        let default_region = profiles.iter().find(|p| p.name == "default").and_then(|p| p.region.clone());
        AwsProfiles {
            profiles,
            regions: regions(default_region.as_deref()),
            config_file: self.config.as_ref().map(|p| p.display().to_string()),
            credentials_file: self.credentials.as_ref().map(|p| p.display().to_string()),
            problems,
        }
    }
}

fn expand_home(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~/").or_else(|| path.strip_prefix("~\\")), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

/// The settings kept of one section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Settings {
    region: Option<String>,
    sso_session: Option<String>,
    sso_start_url: Option<String>,
}

/// One file's sections: profiles by name, and (config only) SSO sessions.
#[derive(Debug, Default)]
struct Sections {
    profiles: BTreeMap<String, Settings>,
    sso_sessions: BTreeMap<String, Settings>,
}

/// What a section header names.
enum Header {
    Profile(String),
    SsoSession(String),
    Other,
}

/// The config file: `[default]`, `[profile name]`, `[sso-session name]`;
/// other sections (`[services x]`, or a bare `[name]`, which the SDKs
/// ignore in this file) are skipped.
fn parse_config(text: &str) -> Sections {
    parse(text, |name| {
        let mut words = name.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("default"), None, _) => Header::Profile("default".into()),
            (Some("profile"), Some(profile), None) => Header::Profile(profile.into()),
            (Some("sso-session"), Some(session), None) => Header::SsoSession(session.into()),
            _ => Header::Other,
        }
    })
}

/// The credentials file: every `[name]` is a profile.
fn parse_credentials(text: &str) -> Sections {
    parse(text, |name| if name.is_empty() { Header::Other } else { Header::Profile(name.into()) })
}

fn parse(text: &str, header: impl Fn(&str) -> Header) -> Sections {
    let mut sections = Sections::default();
    let mut current: Option<&mut Settings> = None;
    for line in text.lines() {
        // Indented lines continue a nested setting (`s3 =` then `  key = value`).
        if line.starts_with([' ', '\t']) && !line.trim().is_empty() && current.is_some() {
            continue;
        }
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = line.strip_prefix('[') {
            let name = name.split(']').next().unwrap_or_default().trim();
            current = match header(name) {
                Header::Profile(name) => Some(sections.profiles.entry(name).or_default()),
                Header::SsoSession(name) => Some(sections.sso_sessions.entry(name).or_default()),
                Header::Other => None,
            };
            continue;
        }
        let (Some(settings), Some((key, value))) = (current.as_deref_mut(), line.split_once('=')) else {
            continue;
        };
        // Only these keys are looked at; any other value (keys, secrets,
        // tokens) is never copied out of the line.
        let slot = match key.trim() {
            "region" => &mut settings.region,
            "sso_session" => &mut settings.sso_session,
            "sso_start_url" => &mut settings.sso_start_url,
            _ => continue,
        };
        let value = strip_comment(value.trim());
        if !value.is_empty() {
            *slot = Some(value.to_owned());
        }
    }
    sections
}

/// `value # comment` → `value` (a comment needs whitespace before it).
fn strip_comment(value: &str) -> &str {
    let cut = value
        .char_indices()
        .find(|&(i, c)| (c == '#' || c == ';') && value[..i].ends_with([' ', '\t']))
        .map_or(value.len(), |(i, _)| i);
    value[..cut].trim_end()
}

/// Both files' profiles by name, `default` first; the config file's
/// settings win, as in the SDKs.
fn merge(config: Option<Sections>, credentials: Option<Sections>) -> Vec<AwsProfile> {
    let config = config.unwrap_or_default();
    let credentials = credentials.unwrap_or_default();
    let mut names: Vec<&String> = config.profiles.keys().chain(credentials.profiles.keys()).collect();
    names.sort_by_key(|name| (name.as_str() != "default", name.to_lowercase()));
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let from_config = config.profiles.get(name);
            let from_credentials = credentials.profiles.get(name);
            let setting = |pick: fn(&Settings) -> &Option<String>| {
                from_config.and_then(|s| pick(s).clone()).or_else(|| from_credentials.and_then(|s| pick(s).clone()))
            };
            let sso_session = setting(|s| &s.sso_session);
            let sso = sso_session.is_some() || setting(|s| &s.sso_start_url).is_some();
            AwsProfile {
                name: name.clone(),
                region: setting(|s| &s.region),
                sso,
                sso_session,
                in_config: from_config.is_some(),
                in_credentials: from_credentials.is_some(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
# the CLI's own comments
[default]
region = eu-west-1 # where we live
output = json

[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-central-1

[profile legacy-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1

[profile ci]
role_arn = arn:aws:iam::111122223333:role/ci
source_profile = default
s3 =
  max_concurrent_requests = 20
  region = ignored-nested

[sso-session my-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1

[services local]
events =
  endpoint_url = http://localhost:4566

[not-a-profile]
region = ap-south-1
";

    const CREDENTIALS: &str = "\
[default]
aws_access_key_id = AKIAEXAMPLEDEFAULT
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[keys-only]
aws_access_key_id=AKIAEXAMPLEKEYSONLY
aws_secret_access_key=secret-that-must-not-leak
aws_session_token = token-that-must-not-leak
region=us-west-2
";

    fn files(config: Option<&str>, credentials: Option<&str>) -> (ProfileFiles, PathBuf) {
        let dir = std::env::temp_dir().join(format!("choreoscope-profiles-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let write = |name: &str, text: Option<&str>| {
            let path = dir.join(name);
            if let Some(text) = text {
                std::fs::write(&path, text).expect("write");
            }
            Some(path)
        };
        (ProfileFiles { config: write("config", config), credentials: write("credentials", credentials) }, dir)
    }

    #[test]
    fn reads_default_named_and_sso_profiles_with_their_regions() {
        let (files, dir) = files(Some(CONFIG), Some(CREDENTIALS));
        let read = files.read();
        std::fs::remove_dir_all(dir).ok();
        let names: Vec<&str> = read.profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["default", "ci", "dev", "keys-only", "legacy-sso"]);
        let profile = |name: &str| read.profiles.iter().find(|p| p.name == name).cloned().expect(name);
        assert_eq!(
            profile("default"),
            AwsProfile {
                name: "default".into(),
                region: Some("eu-west-1".into()),
                sso: false,
                sso_session: None,
                in_config: true,
                in_credentials: true,
            }
        );
        let dev = profile("dev");
        assert!(dev.sso);
        assert_eq!(dev.sso_session.as_deref(), Some("my-sso"));
        assert_eq!(dev.region.as_deref(), Some("eu-central-1"));
        assert!(profile("legacy-sso").sso);
        // A nested `region` under `s3 =` is not the profile's.
        assert_eq!(profile("ci").region, None);
        assert!(!profile("ci").sso);
        let keys_only = profile("keys-only");
        assert_eq!((keys_only.in_config, keys_only.in_credentials), (false, true));
        assert_eq!(keys_only.region.as_deref(), Some("us-west-2"));
        // The default profile's region heads the list, once.
        assert_eq!(read.regions[0], "eu-west-1");
        assert_eq!(read.regions.iter().filter(|r| *r == "eu-west-1").count(), 1);
        assert_eq!(read.regions.len(), COMMERCIAL_REGIONS.len());
        assert!(read.problems.is_empty());
    }

    #[test]
    fn never_returns_secret_values() {
        let (files, dir) = files(Some(CONFIG), Some(CREDENTIALS));
        let read = files.read();
        std::fs::remove_dir_all(dir).ok();
        let shown = format!("{read:?}");
        for secret in ["AKIAEXAMPLE", "wJalrXUtnFEMI", "must-not-leak", "111122223333"] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
    }

    #[test]
    fn credentials_file_alone_is_enough() {
        let (files, dir) = files(None, Some(CREDENTIALS));
        let read = files.read();
        std::fs::remove_dir_all(dir).ok();
        let names: Vec<&str> = read.profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["default", "keys-only"]);
        assert_eq!(read.regions[0], "us-east-1", "no default region: AWS's list as is");
    }

    #[test]
    fn missing_files_give_no_profiles_and_no_problem() {
        let (files, dir) = files(None, None);
        let read = files.read();
        std::fs::remove_dir_all(dir).ok();
        assert!(read.profiles.is_empty());
        assert!(read.problems.is_empty());
        assert_eq!(read.regions.len(), COMMERCIAL_REGIONS.len());
    }

    #[test]
    fn an_unreadable_file_is_said_in_words() {
        // A folder where the config file should be cannot be read as text.
        let (files, dir) = files(None, None);
        std::fs::create_dir_all(files.config.as_ref().expect("path")).expect("dir");
        let read = files.read();
        std::fs::remove_dir_all(dir).ok();
        assert_eq!(read.problems.len(), 1);
        assert!(read.problems[0].contains("could not be read"), "{:?}", read.problems);
    }

    #[test]
    fn home_is_expanded_in_paths_from_the_environment() {
        assert_eq!(expand_home("~/aws/config", Some(Path::new("/home/u"))), PathBuf::from("/home/u/aws/config"));
        assert_eq!(expand_home("/etc/aws", Some(Path::new("/home/u"))), PathBuf::from("/etc/aws"));
    }
}
