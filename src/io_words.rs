//! A system error in words a user can act on: "the disk is read-only",
//! not "Read-only file system (os error 30)". The system's own text (and
//! its number) is for the log.

use std::io;

/// What went wrong, in words, without the system's error number.
pub fn in_words(e: &io::Error) -> String {
    use io::ErrorKind as K;
    let said = match e.kind() {
        K::NotFound => "it does not exist",
        K::PermissionDenied => "no permission",
        K::ReadOnlyFilesystem => "the disk is read-only",
        K::StorageFull => "the disk is full",
        K::FileTooLarge => "the file is too large",
        K::IsADirectory => "it is a directory",
        K::NotADirectory => "a part of the path is not a directory",
        K::AlreadyExists => "it already exists",
        K::DirectoryNotEmpty => "the directory is not empty",
        K::InvalidFilename => "the name is too long or not allowed",
        K::TooManyLinks => "it has too many links",
        K::ResourceBusy | K::ExecutableFileBusy => "it is busy",
        K::TimedOut => "it took too long",
        K::CrossesDevices => "it is on another disk",
        K::StaleNetworkFileHandle => "the network file system lost it",
        K::OutOfMemory => "out of memory",
        _ => return by_number(e),
    };
    said.to_owned()
}

/// Errors with no kind of their own: by the system's number where it is
/// known, else the system's text with its number taken off.
fn by_number(e: &io::Error) -> String {
    #[cfg(unix)]
    match e.raw_os_error() {
        Some(libc::EIO) => return "the disk could not be read or written".to_owned(),
        Some(libc::ELOOP) => {
            return "it is a symbolic link, which knotless does not follow".to_owned();
        }
        Some(libc::ENXIO) => {
            return "it is a pipe or device with nothing at the other end".to_owned();
        }
        Some(libc::ENOSPC) => return "the disk is full".to_owned(),
        Some(libc::EROFS) => return "the disk is read-only".to_owned(),
        _ => {}
    }
    let text = e.to_string();
    match text.find(" (os error ") {
        Some(at) => lower_first(&text[..at]),
        None => text,
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `text` with every "(os error N)" the system added taken off: for an
/// error that already went through other hands (anyhow's chain).
pub fn without_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" (os error ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + " (os error ".len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(')') {
            rest = &after[digits + 1..];
        } else {
            out.push_str(" (os error ");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn system_errors_are_said_in_words_without_their_numbers() {
        let rofs = io::Error::from_raw_os_error(libc::EROFS);
        assert!(rofs.to_string().contains("(os error 30)"), "{rofs}");
        assert_eq!(in_words(&rofs), "the disk is read-only");
        assert_eq!(
            in_words(&io::Error::from_raw_os_error(libc::EIO)),
            "the disk could not be read or written"
        );
        let odd = in_words(&io::Error::from_raw_os_error(libc::EPROTO));
        assert!(!odd.contains("os error"), "{odd}");
        assert_eq!(in_words(&io::Error::other("plain words")), "plain words");
    }

    #[test]
    fn numbers_are_taken_out_of_a_chain() {
        assert_eq!(
            without_numbers("cannot write x: Read-only file system (os error 30)"),
            "cannot write x: Read-only file system"
        );
        assert_eq!(without_numbers("a (os error x) b"), "a (os error x) b");
        assert_eq!(without_numbers("no numbers"), "no numbers");
    }
}
