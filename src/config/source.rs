//! One AWS file as `Config::load_reaching` reads it: through its map where the file is as the map
//! knew it (`map`), else whole, every line checked (and then mapped for the next run).

use std::path::Path;

use anyhow::{Result, anyhow};

use super::names::{SectionKind, config_section_name};
use super::{ini, map};
use crate::messages::debug;

/// Which of the two files a text is: their headers name sections differently.
#[derive(Clone, Copy)]
pub enum Role {
    Config,
    Credentials,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::Credentials => "credentials",
        }
    }
}

/// One AWS file, as `load_reaching` reads it.
pub enum Source {
    /// No such file.
    Missing,
    /// Unchanged since awsume mapped it: sections are read where the map says.
    Mapped(Role, map::Opened, map::Map),
    /// Read whole (and checked): its text and its sections' map entries.
    Whole(String, Vec<map::Entry>),
}

impl Source {
    pub fn open(role: Role, path: &Path) -> Result<Self> {
        let Some(opened) = map::open(path)? else { return Ok(Self::Missing) };
        if let Some(map) = map::Map::read(role.name(), &opened) {
            return Ok(Self::Mapped(role, opened, map));
        }
        Self::whole(role, opened)
    }

    /// The file read whole, every line checked, and mapped for the next run.
    fn whole(role: Role, mut opened: map::Opened) -> Result<Self> {
        let text = opened.read_all()?;
        let entries = entries(role, &text).map_err(|e| anyhow!("{} {e}", opened.shown()))?;
        map::Map::write(role.name(), &opened, entries.clone());
        Ok(Self::Whole(text, entries))
    }

    /// `text` as a file of `role`: read whole, or (`mapped`) through the map a first read keeps, as
    /// a later run reads it (tests).
    #[cfg(test)]
    pub fn of_text(role: Role, text: &str, mapped: bool) -> Result<Self> {
        let entries = entries(role, text)?;
        let Some(map) = map::Map::of(entries.clone()).filter(|_| mapped) else {
            return Ok(Self::Whole(text.to_string(), entries));
        };
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("file");
        std::fs::write(&path, text)?;
        let opened = map::open(&path)?.ok_or_else(|| anyhow!("written just now"))?;
        Ok(Self::Mapped(role, opened, map))
    }

    /// Every section of `key`, with its place in the file. A map whose place holds another section
    /// (which no version of the file it was made for can) is dropped, and the file read whole.
    pub fn sections(&mut self, key: &str) -> Result<Vec<(usize, ini::Section)>> {
        let found = self.sections_at_places(key)?;
        if let Self::Mapped(role, ..) = self
            && found.iter().any(|(_, section)| section_key(*role, &section.header).as_deref() != Some(key))
        {
            let role = *role;
            let Self::Mapped(_, opened, _) = std::mem::replace(self, Self::Missing) else { return Ok(found) };
            debug!("the map of {} does not match it: reading it whole", opened.shown());
            *self = Self::whole(role, opened)?;
            return self.sections_at_places(key);
        }
        Ok(found)
    }

    fn sections_at_places(&mut self, key: &str) -> Result<Vec<(usize, ini::Section)>> {
        let places: Vec<(usize, usize, usize)> = match self {
            Self::Missing => return Ok(Vec::new()),
            Self::Mapped(_, _, map) => map.find(key),
            Self::Whole(_, entries) => {
                entries.iter().filter(|e| e.key == key).map(|e| (e.order, e.start, e.end)).collect()
            }
        };
        let mut found = Vec::new();
        for (order, start, end) in places {
            let text = match self {
                Self::Mapped(_, opened, _) => opened.read_range(start, end)?,
                Self::Whole(text, _) => text.get(start..end).unwrap_or_default().to_string(),
                Self::Missing => String::new(),
            };
            found.extend(ini::section_at(&text).map(|section| (order, section)));
        }
        Ok(found)
    }

    pub fn profile_names(&self) -> Box<dyn Iterator<Item = String> + '_> {
        match self {
            Self::Missing => Box::new(std::iter::empty()),
            Self::Mapped(.., map) => Box::new(map.names('p').map(str::to_string)),
            Self::Whole(_, entries) => {
                Box::new(entries.iter().filter_map(|e| e.key.strip_prefix('p')).map(str::to_string))
            }
        }
    }
}

/// The map entries of `text` (read as `role`), every line checked as `ini::parse` checks it; the
/// offsets count a byte-order mark, as the file's bytes do.
fn entries(role: Role, text: &str) -> Result<Vec<map::Entry>, ini::ParseError> {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let spans = ini::index(text)?;
    Ok(spans
        .iter()
        .enumerate()
        .filter_map(|(order, span)| {
            let key = section_key(role, span.header)?;
            Some(map::Entry { key, order, start: bom + span.start, end: bom + span.end })
        })
        .collect())
}

/// The key a map files a section under, from its header (in a file of `role`).
fn section_key(role: Role, header: &str) -> Option<String> {
    match role {
        Role::Config => {
            let (kind, name) = config_section_name(header)?;
            Some(kind.key(&name))
        }
        Role::Credentials => Some(SectionKind::Profile.key(header.trim())),
    }
}
