//! Decoding an import to UTF-8, its encoding decided over the whole stream first.

use super::Encoding;
use std::io::{self, Read, Seek, SeekFrom};

/// How much is read at once, when deciding and when decoding.
pub(super) const CHUNK: usize = 64 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads until `buf` is full or the stream ends; how much was read.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The stream's encoding and the length of its byte-order mark: UTF-8 when it starts with a
/// BOM or is UTF-8 from its first byte to its last, else Shift_JIS (Windows-31J, as Excel
/// writes it). Reads the whole stream, a chunk at a time.
fn sniff(input: &mut impl Read) -> io::Result<(Encoding, u64)> {
    let mut buf = vec![0u8; CHUNK];
    // Bytes of a character cut by the previous chunk's end, moved to the front.
    let mut carried = 0;
    let mut first = true;
    loop {
        let read = read_full(input, &mut buf[carried..])?;
        let filled = carried + read;
        if first && buf[..filled].starts_with(BOM) {
            return Ok((Encoding::Utf8, BOM.len() as u64));
        }
        first = false;
        if read == 0 {
            let whole = carried == 0;
            return Ok((
                if whole {
                    Encoding::Utf8
                } else {
                    Encoding::ShiftJis
                },
                0,
            ));
        }
        match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => carried = 0,
            Err(e) if e.error_len().is_none() => {
                let cut = e.valid_up_to();
                buf.copy_within(cut..filled, 0);
                carried = filled - cut;
            }
            Err(_) => return Ok((Encoding::ShiftJis, 0)),
        }
    }
}

/// Decodes a byte stream to UTF-8, its encoding decided over the whole stream first
/// ([`sniff`]): one Shift_JIS byte on the last line makes the whole file Shift_JIS. The
/// stream is read twice, a chunk at a time, never held whole.
pub struct Decoded<R> {
    inner: R,
    encoding: Encoding,
    decoder: encoding_rs::Decoder,
    /// Bytes read from `inner` and not yet decoded.
    raw: Vec<u8>,
    eof: bool,
    out: Vec<u8>,
    out_at: usize,
}

impl<R: Read + Seek> Decoded<R> {
    pub fn new(mut inner: R) -> io::Result<Self> {
        let (encoding, bom) = sniff(&mut inner)?;
        inner.seek(SeekFrom::Start(bom))?;
        let decoder = match encoding {
            Encoding::Utf8 => encoding_rs::UTF_8.new_decoder_without_bom_handling(),
            Encoding::ShiftJis => encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling(),
        };
        Ok(Decoded {
            inner,
            encoding,
            decoder,
            raw: Vec::new(),
            eof: false,
            out: Vec::new(),
            out_at: 0,
        })
    }
}

impl<R> Decoded<R> {
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_at >= self.out.len() {
            if self.eof && self.raw.is_empty() {
                return Ok(0);
            }
            let mut chunk = vec![0u8; CHUNK];
            let n = read_full(&mut self.inner, &mut chunk)?;
            self.eof = n < CHUNK;
            self.raw.extend_from_slice(&chunk[..n]);
            let mut text = String::with_capacity(
                self.decoder
                    .max_utf8_buffer_length(self.raw.len())
                    .unwrap_or(self.raw.len() * 3 + 16),
            );
            let (_, used, _) = self
                .decoder
                .decode_to_string(&self.raw, &mut text, self.eof);
            self.raw.drain(..used);
            self.out = text.into_bytes();
            self.out_at = 0;
        }
        let n = buf.len().min(self.out.len() - self.out_at);
        buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
}
