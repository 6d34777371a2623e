;; The data state of the Telnet parser's in-place path (RFC 854: IAC IAC is one 255 of data;
;; outside BINARY mode CR NUL is CR), for chunks copied into this module's memory. The same
;; rules as InPlaceData.data in _in_place.ts, which stays the reference and handles small
;; chunks; this runs the escape-heavy case about twice as fast (8-byte words, no bounds checks).
;; Build: deno task wasm (writes _unescape_wasm.ts); telnet/unescape_kernel_test.ts checks that
;; the embedded bytes are this file's.
(module
  (memory (export "memory") 1)
  ;; Where the next data byte goes, and whether the last data byte written was a CR (so a NUL
  ;; now is CR NUL's NUL), after a call of `data`.
  (global $w (export "w") (mut i32) (i32.const 0))
  (global $cr (export "cr") (mut i32) (i32.const 0))

  ;; Moves the data in [i, n) to w and on: IAC IAC becomes one 255; with nvt, a NUL after a CR
  ;; is dropped. Stops at an IAC that is not followed by IAC in [i, n) (a command, or the end
  ;; of the chunk after a lone IAC) and returns its index, else returns n. Requires w <= i.
  ;; The new w and CR state are left in the globals.
  (func (export "data")
    (param $i i32) (param $n i32) (param $w i32) (param $cr i32) (param $nvt i32)
    (result i32)
    (local $b i32) (local $k i32) (local $last i32)
    (local $v i64) (local $x i64) (local $special i64)
    (local.set $last (i32.sub (local.get $n) (i32.const 8)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.le_s (local.get $i) (local.get $last))
          (then
            (local.set $v (i64.load (local.get $i)))
            (local.set $x (i64.xor (local.get $v) (i64.const -1)))
            ;; The high bit of each byte that is 0x00 or 0xFF (exact for the lowest one).
            (local.set $special
              (i64.and
                (i64.or
                  (i64.and (i64.sub (local.get $v) (i64.const 0x0101010101010101)) (local.get $x))
                  (i64.and (i64.sub (local.get $x) (i64.const 0x0101010101010101)) (local.get $v)))
                (i64.const 0x8080808080808080)))
            (if (i64.eqz (local.get $special))
              (then
                (i64.store (local.get $w) (local.get $v))
                (local.set $cr
                  (i32.eq (i32.wrap_i64 (i64.shr_u (local.get $v) (i64.const 56))) (i32.const 13)))
                (local.set $w (i32.add (local.get $w) (i32.const 8)))
                (local.set $i (i32.add (local.get $i) (i32.const 8)))
                (br $next)))
            ;; The k bytes before the first NUL or IAC go as one word too, when writing the
            ;; whole word cannot overwrite bytes not read yet.
            (local.set $k (i32.wrap_i64 (i64.shr_u (i64.ctz (local.get $special)) (i64.const 3))))
            (if (i32.and
                  (i32.ne (local.get $k) (i32.const 0))
                  (i32.or
                    (i32.eq (local.get $w) (local.get $i))
                    (i32.le_u (i32.add (local.get $w) (i32.const 8)) (local.get $i))))
              (then
                (i64.store (local.get $w) (local.get $v))
                (local.set $cr
                  (i32.eq
                    (i32.and
                      (i32.wrap_i64
                        (i64.shr_u (local.get $v)
                          (i64.extend_i32_u (i32.shl (i32.sub (local.get $k) (i32.const 1)) (i32.const 3)))))
                      (i32.const 255))
                    (i32.const 13)))
                (local.set $w (i32.add (local.get $w) (local.get $k)))
                (local.set $i (i32.add (local.get $i) (local.get $k)))))))
        (local.set $b (i32.load8_u (local.get $i)))
        (if (i32.eq (local.get $b) (i32.const 255))
          (then
            (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
            (br_if $done (i32.ne (i32.load8_u offset=1 (local.get $i)) (i32.const 255)))
            (i32.store8 (local.get $w) (i32.const 255))
            (local.set $w (i32.add (local.get $w) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (local.set $cr (i32.const 0))
            (br $next)))
        (if (i32.and (i32.eqz (local.get $b)) (i32.and (local.get $cr) (local.get $nvt)))
          (then
            ;; CR NUL: the NUL goes, and the CR no longer counts.
            (local.set $cr (i32.const 0))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (i32.store8 (local.get $w) (local.get $b))
        (local.set $cr (i32.eq (local.get $b) (i32.const 13)))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $w (local.get $w))
    (global.set $cr (local.get $cr))
    (local.get $i))
)
