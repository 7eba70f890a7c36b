//! The INI reader on any bytes: never a panic; a rejection is one line naming a line number; what
//! it accepts holds no key twice in a section (the linear-time check agrees with the definition).
#![no_main]

#[allow(dead_code)]
#[path = "../../src/config/ini.rs"]
mod ini;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match ini::parse(text) {
        Ok(sections) => {
            for section in &sections {
                let mut keys: Vec<&str> = section.entries.iter().map(|(k, _)| k.as_str()).collect();
                keys.sort_unstable();
                assert!(keys.windows(2).all(|w| w[0] != w[1]), "a key twice in [{}]", section.header);
            }
        }
        Err(e) => {
            let message = e.to_string();
            assert!(!message.is_empty() && !message.contains('\n'), "{message:?}");
        }
    }
});
