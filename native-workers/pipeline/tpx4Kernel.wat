;; Timepix4 pixel words to hit columns: the hot loop of Tpx4Decoder (tpx4Kernel.ts drives it).
;;
;; Words are big-endian 64-bit; hi = bits 63..32 and lo = bits 31..0 as uint32. A word is a pixel
;; hit when eoc = bits 62..55 <= 0xDF, that is (hi << 1) < 0xE0000000 unsigned. Its fields, as in
;; the format doc (shared/docs/timepix4-format.md) and as Tpx4Decoder did in TypeScript:
;;   top = hi >>> 31;  x0 = 2 * eoc + (pix >> 2);  y0 = 4 * superpix + (pix & 3)
;;   x = top ? 447 - x0 : x0;  y = top ? y0 : 511 - y0
;;   toa = ((hi & 0x3FFF) << 2) | (lo >>> 30)          (Gray-decoded first when `gray` is set)
;;   d = ((toa - hbLow + 2^15) mod 2^16) - 2^15          (nearest period around the heartbeat)
;;   units = d * 128 + uf(start) - uf(stop) - ftoa_rise * 8 + (spgroup - 15) * 4     (int32)
;;   toa_s = (hb * 128 + units) / 5.12e9                 (float64, in this order)
;;   tot128 = (tot_raw * 128 + ftoa_rise * 8 - ftoa_fall * 8) * 25     (ToT in 1/128 ns, int32)
;;   totNs = tot128 * 0.0078125 (exact);  tot = tot128 < 0 ? 0 : (tot128 + 64) >> 7  (round half up)
;; The caller passes hb * 128 as `base` and 2^15 - hbLow as `shift`. uf() of an invalid code is 0
;; and the hit is counted. The float64 steps are the same IEEE operations, in the same order, as
;; the scalar formula, so every toa is bit-identical to it.
;;
;; `pixels` decodes from word j while words are pixels: four at a time with SIMD (each lane one
;; word), and one at a time (the word splatted to all four lanes, the same code) for the last few
;; or a group of four that holds another packet. It returns the index of the first word that is not
;; a pixel (or `end`). Hits are written from column index k on; a single word writes all four lanes
;; (three copies past its hit, overwritten by the next ones), so each column has room for three
;; more than the slice. The global `count` holds the column index after the last hit; `invalid`
;; and `pileups` accumulate the hits with an invalid ultra-fast code and with the pileup bit, until
;; the caller resets them. Addresses are byte offsets into the exported memory (tpx4Kernel.ts).
;;
;; Instruction economy: V8 materialises every v128.const at each use (three instructions), so the
;; constants live in globals, read into locals once per call; V8 keeps them in registers or stack
;; slots. Two-input byte shuffles cost two pshufb and their masks, so each pair of words is
;; byte-swapped with a swizzle and the halves are gathered with 32-bit shuffles (shufps).
(module
  ;; 9 pages: a slice of 16384 words and its hit columns, as tpx4Kernel.ts lays them out
  (memory (export "memory") 9)
  (global $count (export "count") (mut i32) (i32.const 0))
  (global $invalid (export "invalid") (mut i32) (i32.const 0))
  (global $pileups (export "pileups") (mut i32) (i32.const 0))
  ;; each 64-bit lane byte-reversed: big-endian word to [lo, hi] little-endian halves
  (global $bswap (mut v128) (v128.const i8x16 7 6 5 4 3 2 1 0 15 14 13 12 11 10 9 8))
  ;; uf(code) by code, 8 for an invalid code
  (global $ufTable (mut v128) (v128.const i8x16 4 5 8 6 8 8 8 7 3 8 8 8 2 8 1 0))
  (global $eocMin (mut v128) (v128.const i8x16 0xe0 0xe0 0xe0 0xe0 0xe0 0xe0 0xe0 0xe0 0xe0 0xe0 0xe0 0xe0 0xe0 0xe0 0xe0 0xe0))
  (global $m1fe (mut v128) (v128.const i32x4 0x1fe 0x1fe 0x1fe 0x1fe))
  (global $m1 (mut v128) (v128.const i32x4 1 1 1 1))
  (global $k448 (mut v128) (v128.const i32x4 448 448 448 448))
  (global $mfc (mut v128) (v128.const i32x4 0xfc 0xfc 0xfc 0xfc))
  (global $m3 (mut v128) (v128.const i32x4 3 3 3 3))
  (global $m1ff (mut v128) (v128.const i32x4 511 511 511 511))
  (global $m0f0f (mut v128) (v128.const i32x4 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
  (global $m7 (mut v128) (v128.const i32x4 7 7 7 7))
  (global $m3c (mut v128) (v128.const i32x4 0x3c 0x3c 0x3c 0x3c))
  (global $mf8 (mut v128) (v128.const i32x4 0xf8 0xf8 0xf8 0xf8))
  ;; 2^15 * 128 (the signed distance's offset) + 15 * 4 (the superpixel-group offset)
  (global $kOffset (mut v128) (v128.const i32x4 0x40003c 0x40003c 0x40003c 0x40003c))
  (global $kUnits (mut v128) (v128.const f64x2 5.12e9 5.12e9))
  (global $m3ff80 (mut v128) (v128.const i32x4 0x3ff80 0x3ff80 0x3ff80 0x3ff80))
  (global $k25 (mut v128) (v128.const i32x4 25 25 25 25))
  (global $k64 (mut v128) (v128.const i32x4 64 64 64 64))
  (global $kNs (mut v128) (v128.const f64x2 0.0078125 0.0078125))

  (func (export "pixels") (param $w i32) (param $j i32) (param $end i32) (param $k i32)
        (param $px i32) (param $py i32) (param $ptoa i32) (param $ptot i32) (param $ptotns i32)
        (param $base f64) (param $shift i32) (param $gray i32)
        (result i32)
    (local $a i32) (local $step i32) (local $v0 v128) (local $v1 v128) (local $hi v128) (local $lo v128)
    (local $ones v128) (local $top v128) (local $t v128) (local $u v128) (local $units v128)
    (local $tot v128) (local $vbase v128) (local $vshift v128) (local $nInvalid v128) (local $nPileup v128)
    (local $bswap v128) (local $ufTable v128) (local $eocMin v128) (local $m1fe v128) (local $m1 v128)
    (local $k448 v128) (local $mfc v128) (local $m3 v128) (local $m1ff v128) (local $m0f0f v128)
    (local $m7 v128) (local $m3c v128) (local $mf8 v128) (local $kOffset v128) (local $kUnits v128)
    (local $m3ff80 v128) (local $k25 v128) (local $k64 v128) (local $kNs v128) (local $rise8 v128)
    (local.set $bswap (global.get $bswap))
    (local.set $ufTable (global.get $ufTable))
    (local.set $eocMin (global.get $eocMin))
    (local.set $m1fe (global.get $m1fe))
    (local.set $m1 (global.get $m1))
    (local.set $k448 (global.get $k448))
    (local.set $mfc (global.get $mfc))
    (local.set $m3 (global.get $m3))
    (local.set $m1ff (global.get $m1ff))
    (local.set $m0f0f (global.get $m0f0f))
    (local.set $m7 (global.get $m7))
    (local.set $m3c (global.get $m3c))
    (local.set $mf8 (global.get $mf8))
    (local.set $kOffset (global.get $kOffset))
    (local.set $kUnits (global.get $kUnits))
    (local.set $m3ff80 (global.get $m3ff80))
    (local.set $k25 (global.get $k25))
    (local.set $k64 (global.get $k64))
    (local.set $kNs (global.get $kNs))
    (local.set $vbase (f64x2.splat (local.get $base)))
    ;; the distance's 16-bit sum is formed in the top half of each lane (toa << 16)
    (local.set $vshift (i32x4.splat (i32.shl (local.get $shift) (i32.const 16))))
    (block $done
      (loop $next
        (local.set $a (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 3))))
        (block $body
          (block $single
            (br_if $single (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $end)))
            (local.set $v0 (i8x16.swizzle (v128.load (local.get $a)) (local.get $bswap)))
            (local.set $v1 (i8x16.swizzle (v128.load offset=16 (local.get $a)) (local.get $bswap)))
            (local.set $hi (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
                             (local.get $v0) (local.get $v1)))
            ;; a lane is another packet when its eoc (the top byte of hi << 1) is >= 0xE0
            (br_if $single
              (i32x4.bitmask (i8x16.ge_u (i32x4.shl (local.get $hi) (i32.const 1)) (local.get $eocMin))))
            (local.set $step (i32.const 4))
            (local.set $ones (local.get $m1))
            (br $body))
          ;; One word in all four lanes: the counts take lane 0 only.
          (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
          (local.set $v0 (i8x16.swizzle (v128.load64_splat (local.get $a)) (local.get $bswap)))
          (local.set $v1 (local.get $v0))
          (local.set $hi (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
                           (local.get $v0) (local.get $v1)))
          (br_if $done (i32.ge_u (i32.shl (i32x4.extract_lane 0 (local.get $hi)) (i32.const 1))
                                 (i32.const 0xe0000000)))
          (local.set $step (i32.const 1))
          (local.set $ones (v128.const i32x4 1 0 0 0)))
        (local.set $lo (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                         (local.get $v0) (local.get $v1)))
        ;; Position. top = all ones when set: 447 - x0 = ~x0 + 448, and 511 - y0 = y0 ^ 511.
        (local.set $top (i32x4.shr_s (local.get $hi) (i32.const 31)))
        (local.set $t
          (i16x8.narrow_i32x4_u
            (i32x4.add
              (v128.xor
                (v128.or (v128.and (i32x4.shr_u (local.get $hi) (i32.const 22)) (local.get $m1fe))
                         (v128.and (i32x4.shr_u (local.get $hi) (i32.const 16)) (local.get $m1)))
                (local.get $top))
              (v128.and (local.get $top) (local.get $k448)))
            (v128.xor
              (v128.or (v128.and (i32x4.shr_u (local.get $hi) (i32.const 15)) (local.get $mfc))
                       (v128.and (i32x4.shr_u (local.get $hi) (i32.const 14)) (local.get $m3)))
              (v128.andnot (local.get $m1ff) (local.get $top)))))
        (v128.store64_lane 0 (i32.add (local.get $px) (i32.shl (local.get $k) (i32.const 1))) (local.get $t))
        (v128.store64_lane 1 (i32.add (local.get $py) (i32.shl (local.get $k) (i32.const 1))) (local.get $t))
        ;; toa << 16 (hi bits 13..0, lo bits 31..30), Gray-decoded when asked (the same for the call)
        (local.set $t
          (v128.or (i32x4.shl (local.get $hi) (i32.const 18))
                   (i32x4.shl (i32x4.shr_u (local.get $lo) (i32.const 30)) (i32.const 16))))
        (if (local.get $gray)
          (then
            (local.set $t (i32x4.shr_u (local.get $t) (i32.const 16)))
            (local.set $t (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 1))))
            (local.set $t (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 2))))
            (local.set $t (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 4))))
            (local.set $t (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 8))))
            (local.set $t (i32x4.shl (local.get $t) (i32.const 16)))))
        ;; Ultra-fast codes, c = bits 29..22 = start << 4 | stop: stop in byte 0 and start in byte 1
        ;; index the table, so u = uf(stop) | uf(start) << 8 (bytes 2 and 3: don't care).
        (local.set $u (i32x4.shr_u (i32x4.shl (local.get $lo) (i32.const 2)) (i32.const 24)))
        (local.set $u
          (i8x16.swizzle (local.get $ufTable)
            (v128.and (v128.or (local.get $u) (i32x4.shl (local.get $u) (i32.const 4))) (local.get $m0f0f))))
        (local.set $nInvalid
          (i32x4.add (local.get $nInvalid)
            (v128.and (i32x4.shr_u (v128.or (local.get $u) (i32x4.shr_u (local.get $u) (i32.const 8)))
                                   (i32.const 3))
                      (local.get $ones))))
        (local.set $nPileup (i32x4.add (local.get $nPileup) (v128.and (local.get $lo) (local.get $ones))))
        (local.set $rise8 (v128.and (i32x4.shr_u (local.get $lo) (i32.const 14)) (local.get $mf8)))
        ;; units = d * 128 + uf(start) - uf(stop) - ftoa_rise * 8 + spgroup * 4 - 60, with
        ;; d * 128 = (((toa + shift) mod 2^16) << 7) - 2^22, spgroup * 4 = (hi >>> 17) & 0x3C and
        ;; ftoa_rise * 8 = (lo >>> 14) & 0xF8
        (local.set $units
          (i32x4.add
            (i32x4.add
              (i32x4.shr_u (i32x4.add (local.get $t) (local.get $vshift)) (i32.const 9))
              (i32x4.sub (v128.and (i32x4.shr_u (local.get $u) (i32.const 8)) (local.get $m7))
                         (v128.and (local.get $u) (local.get $m7))))
            (i32x4.sub
              (v128.and (i32x4.shr_u (local.get $hi) (i32.const 17)) (local.get $m3c))
              (i32x4.add (local.get $rise8) (local.get $kOffset)))))
        ;; toa in float64 pairs: lanes 0 and 1, then lanes 2 and 3 moved down (written out twice:
        ;; V8 does not inline WebAssembly calls)
        (local.set $a (i32.add (local.get $ptoa) (i32.shl (local.get $k) (i32.const 3))))
        (v128.store (local.get $a)
          (f64x2.div (f64x2.add (local.get $vbase) (f64x2.convert_low_i32x4_s (local.get $units)))
                     (local.get $kUnits)))
        (v128.store offset=16 (local.get $a)
          (f64x2.div
            (f64x2.add (local.get $vbase)
                       (f64x2.convert_low_i32x4_s
                         (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $units) (local.get $units))))
            (local.get $kUnits)))
        ;; ToT in 1/128 ns: (128 * tot_raw + 8 * ftoa_rise - 8 * ftoa_fall) * 25
        (local.set $tot
          (i32x4.mul
            (i32x4.sub
              (i32x4.add (v128.and (i32x4.shl (local.get $lo) (i32.const 6)) (local.get $m3ff80))
                         (local.get $rise8))
              (v128.and (i32x4.shr_u (local.get $lo) (i32.const 9)) (local.get $mf8)))
            (local.get $k25)))
        (v128.store (i32.add (local.get $ptot) (i32.shl (local.get $k) (i32.const 2)))
          (v128.andnot (i32x4.shr_s (i32x4.add (local.get $tot) (local.get $k64)) (i32.const 7))
                       (i32x4.shr_s (local.get $tot) (i32.const 31))))
        (local.set $a (i32.add (local.get $ptotns) (i32.shl (local.get $k) (i32.const 3))))
        (v128.store (local.get $a)
          (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $tot)) (local.get $kNs)))
        (v128.store offset=16 (local.get $a)
          (f64x2.mul (f64x2.convert_low_i32x4_s
                       (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $tot) (local.get $tot)))
                     (local.get $kNs)))
        (local.set $k (i32.add (local.get $k) (local.get $step)))
        (local.set $j (i32.add (local.get $j) (local.get $step)))
        (br $next)))
    (global.set $count (local.get $k))
    (global.set $invalid (i32.add (global.get $invalid)
      (i32.add (i32.add (i32x4.extract_lane 0 (local.get $nInvalid)) (i32x4.extract_lane 1 (local.get $nInvalid)))
               (i32.add (i32x4.extract_lane 2 (local.get $nInvalid)) (i32x4.extract_lane 3 (local.get $nInvalid))))))
    (global.set $pileups (i32.add (global.get $pileups)
      (i32.add (i32.add (i32x4.extract_lane 0 (local.get $nPileup)) (i32x4.extract_lane 1 (local.get $nPileup)))
               (i32.add (i32x4.extract_lane 2 (local.get $nPileup)) (i32x4.extract_lane 3 (local.get $nPileup))))))
    (local.get $j))
)
