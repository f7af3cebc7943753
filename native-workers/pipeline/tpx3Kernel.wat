;; Timepix3 pixel words to hit columns: the hot loop of Tpx3Decoder (tpx3Kernel.ts drives it).
;;
;; A packet is two little-endian uint32 halves, lo then hi. Pixel packets (header 0xA or 0xB, that
;; is hi >>> 29 == 5) give, exactly as the format doc's "Pixel packets" section and as
;; tpx3Decoder.ts did in TypeScript:
;;   pix = (hi >> 12) & 7;  dcol = (hi >> 20) & 0xFE
;;   x = dcol + (pix >> 2);  y = ((hi >> 13) & 0xFC) + (pix & 3)
;;   arr = ((lo & 0xFFFF) << 14) | (lo >> 30) | ((hi & 0xFFF) << 2)      (spidr time + ToA, 30 bits)
;;   coarse = table[arr >> 28] + arr                                      (extended to 48 bits)
;;   phase = (x >> 1) % 16;  adj = ((phase == 0 ? 16 : phase) - ftoa) * 256, ftoa = (lo >> 16) & 15
;;   toa = (coarse * 4096 + adj) * (25 / 4096) * 1e-9   in float64, in this order (seconds)
;;   tot = ((lo >> 20) & 0x3FF) * 25                                      (ns)
;; `16 - (-phase & 15)` is the branch-free `phase == 0 ? 16 : phase`. The float64 steps are the same
;; IEEE operations in the same order as the scalar formula, so every toa is bit-identical.
;;
;; `pixels` decodes from packet j while packets are pixels, four at a time with SIMD (lanes hold
;; the four lo halves and the four hi halves), one at a time at the end or around another packet.
;; TDC packets between the runs are decoded too: their edges are listed for the caller (count at
;; $pe, times at $pt, kinds at $pk). It returns, in one float64, k * 65536 + j: the index of the first
;; packet that is neither (or `end`), and the column index after the last hit written (hits are
;; written from column k on). The table region holds the four float64 table entries (scalar path),
;; then at +32 a `base` (float64, the current quarter's entry) and at +48 each entry minus base as
;; int32 (SIMD path): entries are multiples of 2^30 at most 2^30 from the base, except one across the
;; 48-bit wrap of the global time (the first 6.7 s after a camera reset). The caller names that
;; quarter `bad` (else -1); groups holding a hit of it take the scalar path.
;; Addresses are byte offsets into the exported memory, laid out by tpx3Kernel.ts.
(module
  (memory (export "memory") 1)
  ;; The loop's vector constants, loaded from here at each use: V8 keeps neither v128.const nor a
  ;; local holding one in a register across the loop, and rebuilt each from immediates (three
  ;; instructions apiece, a third of the loop); a load is one, or none when folded into its use.
  ;; 16 bytes each from byte 64 (tpx3Kernel.ts keeps the words after them).
  (data (i32.const 64) "\ff\ff\00\00\ff\ff\00\00\ff\ff\00\00\ff\ff\00\00") ;; i32x4 0xffff
  (data (i32.const 80) "\ff\0f\00\00\ff\0f\00\00\ff\0f\00\00\ff\0f\00\00") ;; i32x4 0xfff
  (data (i32.const 96) "\fe\00\00\00\fe\00\00\00\fe\00\00\00\fe\00\00\00") ;; i32x4 0xfe
  (data (i32.const 112) "\0f\00\00\00\0f\00\00\00\0f\00\00\00\0f\00\00\00") ;; i32x4 0xf
  (data (i32.const 128) "\04\04\04\04\04\04\04\04\04\04\04\04\04\04\04\04") ;; i32x4 0x4040404
  (data (i32.const 144) "\00\01\02\03\00\01\02\03\00\01\02\03\00\01\02\03") ;; i32x4 0x3020100
  (data (i32.const 160) "\07\00\00\00\07\00\00\00\07\00\00\00\07\00\00\00") ;; i32x4 7
  (data (i32.const 176) "\10\00\00\00\10\00\00\00\10\00\00\00\10\00\00\00") ;; i32x4 0x10
  (data (i32.const 192) "\03\00\00\00\03\00\00\00\03\00\00\00\03\00\00\00") ;; i32x4 3
  (data (i32.const 208) "\fc\00\00\00\fc\00\00\00\fc\00\00\00\fc\00\00\00") ;; i32x4 0xfc
  (data (i32.const 224) "\ff\03\00\00\ff\03\00\00\ff\03\00\00\ff\03\00\00") ;; i32x4 0x3ff
  (data (i32.const 240) "\19\00\00\00\19\00\00\00\19\00\00\00\19\00\00\00") ;; i32x4 0x19
  (data (i32.const 256) "\05\00\00\00\05\00\00\00\05\00\00\00\05\00\00\00") ;; i32x4 5
  (data (i32.const 272) "\00\00\00\00\00\00\b0\40\00\00\00\00\00\00\b0\40") ;; f64x2 4096.0
  (data (i32.const 288) "\00\00\00\00\00\00\79\3f\00\00\00\00\00\00\79\3f") ;; f64x2 0.006103515625
  (data (i32.const 304) "\95\d6\26\e8\0b\2e\11\3e\95\d6\26\e8\0b\2e\11\3e") ;; f64x2 1e-09

  ;; One packet at byte address $a: writes hit $k and returns 1, or returns 0 if not a pixel.
  (func $one (param $a i32) (param $k i32)
             (param $px i32) (param $py i32) (param $ptoa i32) (param $ptot i32) (param $table i32)
             (result i32)
    (local $lo i32) (local $hi i32) (local $pix i32) (local $dcol i32) (local $arr i32) (local $phase i32)
    (local.set $hi (i32.load offset=4 (local.get $a)))
    (if (i32.ne (i32.shr_u (local.get $hi) (i32.const 29)) (i32.const 5)) (then (return (i32.const 0))))
    (local.set $lo (i32.load (local.get $a)))
    (local.set $pix (i32.and (i32.shr_u (local.get $hi) (i32.const 12)) (i32.const 7)))
    (local.set $dcol (i32.and (i32.shr_u (local.get $hi) (i32.const 20)) (i32.const 0xfe)))
    (local.set $arr
      (i32.or
        (i32.or (i32.shl (i32.and (local.get $lo) (i32.const 0xffff)) (i32.const 14))
                (i32.shr_u (local.get $lo) (i32.const 30)))
        (i32.shl (i32.and (local.get $hi) (i32.const 0xfff)) (i32.const 2))))
    (local.set $phase (i32.and (i32.shr_u (local.get $dcol) (i32.const 1)) (i32.const 15)))
    (f64.store (i32.add (local.get $ptoa) (i32.shl (local.get $k) (i32.const 3)))
      (f64.mul
        (f64.mul
          (f64.add
            (f64.mul
              (f64.add
                (f64.load (i32.add (local.get $table)
                                   (i32.shl (i32.shr_u (local.get $arr) (i32.const 28)) (i32.const 3))))
                (f64.convert_i32_s (local.get $arr)))
              (f64.const 4096))
            (f64.convert_i32_s
              (i32.shl
                (i32.sub
                  (i32.sub (i32.const 16) (i32.and (i32.sub (i32.const 0) (local.get $phase)) (i32.const 15)))
                  (i32.and (i32.shr_u (local.get $lo) (i32.const 16)) (i32.const 15)))
                (i32.const 8))))
          (f64.const 0.006103515625))
        (f64.const 1e-9)))
    (i32.store16 (i32.add (local.get $px) (i32.shl (local.get $k) (i32.const 1)))
      (i32.add (local.get $dcol) (i32.shr_u (local.get $pix) (i32.const 2))))
    (i32.store16 (i32.add (local.get $py) (i32.shl (local.get $k) (i32.const 1)))
      (i32.add (i32.and (i32.shr_u (local.get $hi) (i32.const 13)) (i32.const 0xfc))
               (i32.and (local.get $pix) (i32.const 3))))
    (i32.store (i32.add (local.get $ptot) (i32.shl (local.get $k) (i32.const 2)))
      (i32.mul (i32.and (i32.shr_u (local.get $lo) (i32.const 20)) (i32.const 0x3ff)) (i32.const 25)))
    (i32.const 1))

  ;; One TDC packet at byte address $a (trigger 1 rise 0xF / fall 0xA under header 0x4 or 0x6;
  ;; trigger 2 rise 0xE / fall 0xB under 0x6 only): writes edge $e (its time at $pt, seconds, as
  ;; tpx3Decoder.ts computes it; its kind 1..4 = tdc1 rise, tdc1 fall, tdc2 rise, tdc2 fall at $pk)
  ;; and returns 1, or returns 0 for any other packet.
  (func $tdc (param $a i32) (param $e i32) (param $pt i32) (param $pk i32) (param $table i32) (result i32)
    (local $lo i32) (local $hi i32) (local $header i32) (local $sub i32) (local $kind i32) (local $arr i32)
    (local $x i32) (local $fine i32)
    (local.set $hi (i32.load offset=4 (local.get $a)))
    (local.set $header (i32.shr_u (local.get $hi) (i32.const 28)))
    (if (i32.and (i32.ne (local.get $header) (i32.const 6)) (i32.ne (local.get $header) (i32.const 4)))
      (then (return (i32.const 0))))
    (local.set $sub (i32.and (i32.shr_u (local.get $hi) (i32.const 24)) (i32.const 15)))
    (local.set $kind
      (if (result i32) (i32.eq (local.get $sub) (i32.const 0xf)) (then (i32.const 1))
        (else (if (result i32) (i32.eq (local.get $sub) (i32.const 0xa)) (then (i32.const 2))
          (else (if (result i32) (i32.ne (local.get $header) (i32.const 6)) (then (i32.const 0))
            (else (if (result i32) (i32.eq (local.get $sub) (i32.const 0xe)) (then (i32.const 3))
              (else (select (i32.const 4) (i32.const 0) (i32.eq (local.get $sub) (i32.const 0xb))))))))))))
    (if (i32.eqz (local.get $kind)) (then (return (i32.const 0))))
    (local.set $lo (i32.load (local.get $a)))
    (local.set $arr (i32.or (i32.shr_u (local.get $lo) (i32.const 12)) (i32.shl (local.get $hi) (i32.const 20))))
    ;; fine = (lo & 0xE00) | (floor(((f - 1) << 9) / 12) & 0x1FF), f = (lo >> 5) & 15: floor, not
    ;; truncation, for f = 0 (x = -512)
    (local.set $x (i32.shl (i32.sub (i32.and (i32.shr_u (local.get $lo) (i32.const 5)) (i32.const 15)) (i32.const 1))
                           (i32.const 9)))
    (local.set $fine
      (i32.or (i32.and (local.get $lo) (i32.const 0xe00))
              (i32.and (i32.div_s (i32.sub (local.get $x) (select (i32.const 11) (i32.const 0) (i32.lt_s (local.get $x) (i32.const 0))))
                                  (i32.const 12))
                       (i32.const 0x1ff))))
    ;; t = coarse * 25e-9 + fine * (25 / 4096) * 1e-9, coarse = table[(arr >> 28) & 3] + (arr & 0x3FFFFFFF)
    (f64.store (i32.add (local.get $pt) (i32.shl (local.get $e) (i32.const 3)))
      (f64.add
        (f64.mul
          (f64.add (f64.load (i32.add (local.get $table)
                                      (i32.shl (i32.and (i32.shr_u (local.get $arr) (i32.const 28)) (i32.const 3))
                                               (i32.const 3))))
                   (f64.convert_i32_u (i32.and (local.get $arr) (i32.const 0x3fffffff))))
          (f64.const 25e-9))
        (f64.mul (f64.mul (f64.convert_i32_s (local.get $fine)) (f64.const 0.006103515625)) (f64.const 1e-9))))
    (i32.store8 (i32.add (local.get $pk) (local.get $e)) (local.get $kind))
    (i32.const 1))

  (func (export "pixels") (param $w i32) (param $j i32) (param $end i32) (param $k i32)
        (param $px i32) (param $py i32) (param $ptoa i32) (param $ptot i32) (param $table i32)
        (param $bad i32) (param $pt i32) (param $pk i32) (param $pe i32)
        (result f64)
    (local $a i32) (local $v0 v128) (local $v1 v128) (local $lo v128) (local $hi v128)
    (local $pix v128) (local $dcol v128) (local $arr v128) (local $q v128) (local $adj v128)
    (local $base v128) (local $offsets v128) (local $e i32)
    (local.set $e (i32.load (local.get $pe)))
    (local.set $base (f64x2.splat (f64.load offset=32 (local.get $table))))
    (local.set $offsets (v128.load offset=48 (local.get $table)))
    (block $done
      (loop $next
        (local.set $a (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 3))))
        (block $scalar
          (br_if $scalar (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $end)))
          (local.set $v0 (v128.load (local.get $a)))
          (local.set $v1 (v128.load offset=16 (local.get $a)))
          (local.set $hi (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
                           (local.get $v0) (local.get $v1)))
          (br_if $scalar (i32.eqz (i32x4.all_true (i32x4.eq (i32x4.shr_u (local.get $hi) (i32.const 29))
                                                            (v128.load (i32.const 256) (; 5 ;))))))
          (local.set $lo (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                           (local.get $v0) (local.get $v1)))
          (local.set $arr
            (v128.or
              (v128.or (i32x4.shl (v128.and (local.get $lo) (v128.load (i32.const 64) (; 0xffff ;)))
                                  (i32.const 14))
                       (i32x4.shr_u (local.get $lo) (i32.const 30)))
              (i32x4.shl (v128.and (local.get $hi) (v128.load (i32.const 80) (; 0xfff ;)))
                         (i32.const 2))))
          (local.set $q (i32x4.shr_u (local.get $arr) (i32.const 28)))
          (br_if $scalar (v128.any_true (i32x4.eq (local.get $q) (i32x4.splat (local.get $bad)))))
          ;; arr + (table[q] - base) per lane: the offsets are four int32, picked by byte swizzle
          ;; (bytes 4q .. 4q+3 in each lane)
          (local.set $arr
            (i32x4.add (local.get $arr)
              (i8x16.swizzle (local.get $offsets)
                (i32x4.add (i32x4.mul (local.get $q)
                                      (v128.load (i32.const 128) (; byte step 4 ;)))
                           (v128.load (i32.const 144) (; bytes 0 1 2 3 ;))))))
          (local.set $pix (v128.and (i32x4.shr_u (local.get $hi) (i32.const 12)) (v128.load (i32.const 160) (; 7 ;))))
          (local.set $dcol (v128.and (i32x4.shr_u (local.get $hi) (i32.const 20))
                                     (v128.load (i32.const 96) (; 0xfe ;))))
          ;; x in the low four uint16 lanes, y in the high four (all < 256, so no saturation)
          (local.set $v0
            (i16x8.narrow_i32x4_u
              (i32x4.add (local.get $dcol) (i32x4.shr_u (local.get $pix) (i32.const 2)))
              (i32x4.add (v128.and (i32x4.shr_u (local.get $hi) (i32.const 13))
                                   (v128.load (i32.const 208) (; 0xfc ;)))
                         (v128.and (local.get $pix) (v128.load (i32.const 192) (; 3 ;))))))
          (v128.store64_lane 0 (i32.add (local.get $px) (i32.shl (local.get $k) (i32.const 1))) (local.get $v0))
          (v128.store64_lane 1 (i32.add (local.get $py) (i32.shl (local.get $k) (i32.const 1))) (local.get $v0))
          (v128.store (i32.add (local.get $ptot) (i32.shl (local.get $k) (i32.const 2)))
            (i32x4.mul (v128.and (i32x4.shr_u (local.get $lo) (i32.const 20))
                                 (v128.load (i32.const 224) (; 0x3ff ;)))
                       (v128.load (i32.const 240) (; 25 ;))))
          (local.set $adj
            (i32x4.shl
              (i32x4.sub
                (i32x4.sub (v128.load (i32.const 176) (; 16 ;))
                           (v128.and (i32x4.neg (v128.and (i32x4.shr_u (local.get $dcol) (i32.const 1))
                                                          (v128.load (i32.const 112) (; 15 ;))))
                                     (v128.load (i32.const 112) (; 15 ;))))
                (v128.and (i32x4.shr_u (local.get $lo) (i32.const 16)) (v128.load (i32.const 112) (; 15 ;))))
              (i32.const 8)))
          ;; toa in float64 pairs, coarse = base + (arr + offset): exact integers, so the same value
          ;; as table[q] + arr. Lanes 0 and 1, then lanes 2 and 3 moved down; written out twice
          ;; because V8 does not inline WebAssembly calls (a helper function cost 15%).
          (local.set $a (i32.add (local.get $ptoa) (i32.shl (local.get $k) (i32.const 3))))
          (v128.store (local.get $a)
            (f64x2.mul
              (f64x2.mul
                (f64x2.add
                  (f64x2.mul (f64x2.add (local.get $base) (f64x2.convert_low_i32x4_s (local.get $arr)))
                             (v128.load (i32.const 272) (; 4096.0 ;)))
                  (f64x2.convert_low_i32x4_s (local.get $adj)))
                (v128.load (i32.const 288) (; 25/4096 ;)))
              (v128.load (i32.const 304) (; 1e-9 ;))))
          (v128.store offset=16 (local.get $a)
            (f64x2.mul
              (f64x2.mul
                (f64x2.add
                  (f64x2.mul
                    (f64x2.add (local.get $base)
                               (f64x2.convert_low_i32x4_s
                                 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $arr) (local.get $arr))))
                    (v128.load (i32.const 272) (; 4096.0 ;)))
                  (f64x2.convert_low_i32x4_s
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $adj) (local.get $adj))))
                (v128.load (i32.const 288) (; 25/4096 ;)))
              (v128.load (i32.const 304) (; 1e-9 ;))))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $next))
        ;; One packet the scalar way: the last few, or a group of four that holds another packet
        ;; (or a hit of the table's `bad` quarter).
        (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
        (if (call $one (local.get $a) (local.get $k) (local.get $px) (local.get $py)
                       (local.get $ptoa) (local.get $ptot) (local.get $table))
          (then
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $next)))
        ;; A TDC packet between the runs: its edge goes to the edge list, and the run goes on.
        (br_if $done (i32.eqz (call $tdc (local.get $a) (local.get $e) (local.get $pt) (local.get $pk)
                                         (local.get $table))))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next)))
    (i32.store (local.get $pe) (local.get $e))
    ;; both results in one float64 (exact): k * 65536 + j (j < 65536, a slice index)
    (f64.add (f64.mul (f64.convert_i32_u (local.get $k)) (f64.const 65536)) (f64.convert_i32_u (local.get $j))))
)
