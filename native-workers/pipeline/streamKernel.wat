;; Cluster stream from rows to centroids for a window of whole triggers in one call: the hot path
;; of clusterStreamCentroids (streamKernel.ts drives it; a call per trigger cost about as much as
;; the trigger's sort). Per trigger, the same steps in the same arithmetic as the TypeScript path:
;; - the trigger's extent, tof range and ToT-digit histogram (clusterStream.ts's scan);
;; - clusterStreamSort.ts's radixSmall: key (tof 15 bits, ToT digit 8 bits, index 9 bits), three
;;   8-bit LSD passes (the first as the keys are made), the exact insertion fix when two keys tied
;;   for different values (found as the walk reads the rows in order; it then starts again);
;; - clusterStreamWalk.ts's walkPacked (packed cells ToT << 15 | position + 1, ring 1 branch-free
;;   in one vector, 8 x 8 block map before the outer rings), with emitTrigger's sums folded in:
;;   each hit adds to its root's sums as it joins (processing order, as emitTrigger). The ToT, x*ToT
;;   and y*ToT sums are integers, kept as such (exact in float64 too, so the same values); the tof
;;   sum is the one float64 sum, added in the same order;
;; - the centroids of the kept clusters in root order, from the list of roots the walk made.
;; It stops at the first trigger it cannot take, with its first row in $next and a status: MORE (0,
;; the window ends inside the trigger, or at the end), DECLINE (1: over 512 hits, a tof not finite,
;; a pixel outside the grid, a ToT over 16 bits, or the insertion fix over budget; memory as it
;; found it apart from scratch), FULL (2: the output might not hold the trigger), UNGROUPED (3: the
;; next trigger number is lower) or FILTERED (4: a ToT below minTot). Byte addresses: KEY 0, TMP
;; 2048 (sort words); COUNTS 4096 (3 x 256 i32); OUTER 7168 (ring 2..8 cell offsets), ring ends
;; 7424; DIG 7680 (ToT digit per row); per position: PTOF 16384 (f64), CELL 22528, ROOT 24576,
;; ROOTS 47104 (root positions in order); OUT 49152 (7 columns of 4096 f64); BLOCKS 278528; PACKED
;; 805888; input window (16384 rows): IN_TOF 5029888, IN_TOT 5160960, IN_X 5226496, IN_Y 5259264,
;; IN_TRIG 5292032; THR 5439488 (per ToT below 2^16, the
;; candidate threshold of walkPacked, written by streamKernel.ts); REC 5701632 per root position (64
;; bytes: x*ToT, y*ToT sums i64; ToT sum, count, max ToT i32; tof*ToT sum f64), then a zero record.
(module
  (memory (export "memory") 88 88)
  ;; Centroids written to the output columns so far.
  (global $nOut (export "nOut") (mut i32) (i32.const 0))
  ;; Window row where run stopped.
  (global $next (export "next") (mut i32) (i32.const 0))
  ;; Cells read by the outer rings (2..8) end after 4, 8, 16, 20, 24, 32, 40 cells.
  (data (i32.const 7424) "\04\00\00\00\08\00\00\00\10\00\00\00\14\00\00\00\18\00\00\00\20\00\00\00\28\00\00\00")
  ;; Vector constants, loaded where used (TurboFan rebuilds a v128.const, even one held in a
  ;; local, at each use: several instructions; a load is one): i32x4 0 1 0 0 and 4 x 0x7fff.
  (data (i32.const 7552) "\00\00\00\00\01\00\00\00\00\00\00\00\00\00\00\00\ff\7f\00\00\ff\7f\00\00\ff\7f\00\00\ff\7f\00\00")

  ;; clusterStreamWalk.ts's searchOuter: lowest candidate of the first outer ring that has one, else k.
  (func $searchOuter (param $c i32) (param $thr i32) (param $k i32) (result i32)
    (local $m i32) (local $o i32) (local $ring i32) (local $end i32) (local $v i32)
    (local.set $m (i32.const 0x7fff))
    (block $done
      (loop $rings
        (local.set $end (i32.load offset=7424 (i32.shl (local.get $ring) (i32.const 2))))
        (block $ringDone
          (loop $cells
            (br_if $ringDone (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $v (i32.load offset=805888
              (i32.shl (i32.add (local.get $c) (i32.load offset=7168 (i32.shl (local.get $o) (i32.const 2))))
                       (i32.const 2))))
            (if (i32.and (i32.ge_s (local.get $v) (local.get $thr))
                         (i32.lt_s (i32.and (local.get $v) (i32.const 0x7fff)) (local.get $m)))
              (then (local.set $m (i32.and (local.get $v) (i32.const 0x7fff)))))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $cells)))
        (if (i32.ne (local.get $m) (i32.const 0x7fff))
          (then (return (i32.sub (local.get $m) (i32.const 1)))))
        (local.set $ring (i32.add (local.get $ring) (i32.const 1)))
        (br_if $rings (i32.lt_u (local.get $ring) (i32.const 7)))))
    (local.get $k))

  ;; Clusters the triggers from window row $in on (rows $in..$end-1 are in the window; $last: the
  ;; rows end there). The trigger at window row r has walk stamps from $stampBase + r. maxX, maxY:
  ;; the largest pixel the grid holds. Writes centroids from nOut on; returns the status.
  (func (export "run") (param $in i32) (param $end i32) (param $last i32) (param $stampBase i32)
        (param $maxDist f64) (param $minSize f64) (param $minTot i32)
        (param $stride i32) (param $shift i32) (param $maxX i32) (param $maxY i32) (result i32)
    (local $k i32) (local $j i32) (local $v i32) (local $g i32) (local $q i32) (local $d i32)
    (local $scale f64) (local $totBits i32) (local $s0 i32) (local $s1 i32) (local $s2 i32)
    (local $a i32) (local $t f64) (local $tp f64) (local $gp i32) (local $px i32) (local $py i32)
    (local $c i32) (local $r i32) (local $tt i32) (local $low i32) (local $thr i32) (local $m i32)
    (local $prev i32) (local $rt i32) (local $up i32) (local $down i32) (local $stale i32)
    (local $sum f64) (local $cnt f64) (local $stamp i32) (local $len i32) (local $b i32)
    (local $trig f64) (local $lo f64) (local $hi f64) (local $xs i32) (local $ys i32)
    (local $nRoots i32) (local $status i32) (local $small i32) (local $zero v128)
    (local $vv v128)

    (local.set $zero (v128.const i64x2 0 0))
    ;; The block mask at MASK (7600), loaded where used: as a local, TurboFan recomputed it (a
    ;; variable shift) in the walk on every hit.
    (i32.store (i32.const 7600) (i32.xor (i32.shl (i32.const 7) (i32.sub (local.get $shift) (i32.const 3))) (i32.const -1)))
    (block $stopAt
    (block $stop (loop $triggers
      (br_if $stop (i32.ge_u (local.get $in) (local.get $end)))
      (local.set $status (i32.const 2))
      (br_if $stopAt (i32.gt_u (i32.add (global.get $nOut) (i32.const 512)) (i32.const 4096)))

      ;; The trigger's rows in..b-1: same trigger number (compared as clusterStream.ts does), at
      ;; most 512; their tof range, x, y and ToT ORed, and the histogram of their ToT digits: 255 -
      ;; ceil(g / 25), 0 from 6375 on (radixSmall's (255 - g * 0.04) | 0 in integers: (x * 5243)
      ;; >> 17 is x / 25 rounded down for x <= 6400), kept per row in DIG for the keys.
      (local.set $trig (f64.load offset=5292032 (i32.shl (local.get $in) (i32.const 3))))
      (local.set $lo (f64.load offset=5029888 (i32.shl (local.get $in) (i32.const 3))))
      (local.set $hi (local.get $lo))
      (local.set $xs (i32.const 0))
      (local.set $ys (i32.const 0))
      (local.set $totBits (i32.const 0))
      (local.set $b (local.get $in))
      (block $found (loop $scan
        ;; f64.min and max carry a NaN to lo, hi (declined below).
        (local.set $t (f64.load offset=5029888 (i32.shl (local.get $b) (i32.const 3))))
        (local.set $lo (f64.min (local.get $lo) (local.get $t)))
        (local.set $hi (f64.max (local.get $hi) (local.get $t)))
        (local.set $xs (i32.or (local.get $xs) (i32.load16_u offset=5226496 (i32.shl (local.get $b) (i32.const 1)))))
        (local.set $ys (i32.or (local.get $ys) (i32.load16_u offset=5259264 (i32.shl (local.get $b) (i32.const 1)))))
        (local.set $g (i32.load offset=5160960 (i32.shl (local.get $b) (i32.const 2))))
        (local.set $totBits (i32.or (local.get $totBits) (local.get $g)))
        (local.set $small (i32.or (local.get $small) (i32.lt_u (local.get $g) (local.get $minTot))))
        (local.set $d
          (select (i32.const 0)
                  (i32.sub (i32.const 255)
                           (i32.shr_u (i32.mul (i32.add (local.get $g) (i32.const 24)) (i32.const 5243)) (i32.const 17)))
                  (i32.ge_u (local.get $g) (i32.const 6375))))
        (i32.store8 offset=7680 (i32.sub (local.get $b) (local.get $in)) (local.get $d))
        (local.set $a (i32.add (i32.const 4096) (i32.shl (local.get $d) (i32.const 2))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (if (i32.ge_u (local.get $b) (local.get $end))
          (then
            (br_if $found (local.get $last))
            (local.set $status (i32.const 0))
            (br $stopAt)))
        (if (f64.ne (f64.load offset=5292032 (i32.shl (local.get $b) (i32.const 3))) (local.get $trig))
          (then
            (br_if $found (i32.eqz (f64.lt (f64.load offset=5292032 (i32.shl (local.get $b) (i32.const 3)))
                                           (local.get $trig))))
            (local.set $status (i32.const 3))
            (br $stopAt)))
        (br_if $scan (i32.lt_u (i32.sub (local.get $b) (local.get $in)) (i32.const 512)))
        (local.set $status (i32.const 1))
        (br $stopAt)))
      (local.set $len (i32.sub (local.get $b) (local.get $in)))
      (local.set $status (i32.const 1))
      (br_if $stopAt (i32.or (i32.eqz (f64.lt (f64.sub (local.get $hi) (local.get $lo)) (f64.const inf)))
                             (i32.or (i32.gt_u (local.get $xs) (local.get $maxX)) (i32.gt_u (local.get $ys) (local.get $maxY)))))
      (br_if $stopAt (i32.shr_u (local.get $totBits) (i32.const 16)))
      (local.set $status (i32.const 4))
      (br_if $stopAt (local.get $small))

      ;; Bucket starts of the ToT digits (none below the digit of totBits, at least every ToT).
      (local.set $s0 (i32.const 0))
      (local.set $k
        (select (i32.const 0)
                (i32.sub (i32.const 255)
                         (i32.shr_u (i32.mul (i32.add (local.get $totBits) (i32.const 24)) (i32.const 5243)) (i32.const 17)))
                (i32.ge_u (local.get $totBits) (i32.const 6375))))
      (loop $dPrefix
        (local.set $a (i32.add (i32.const 4096) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $v (i32.load (local.get $a)))
        (i32.store (local.get $a) (local.get $s0))
        (local.set $s0 (i32.add (local.get $s0) (local.get $v)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $dPrefix (i32.lt_u (local.get $k) (i32.const 256))))

      ;; Keys, scattered into TMP by ToT digit (the first LSD pass), and the tof digits' histograms.
      (local.set $scale
        (select (f64.div (f64.const 32767) (f64.sub (local.get $hi) (local.get $lo))) (f64.const 0)
                (f64.gt (f64.sub (local.get $hi) (local.get $lo)) (f64.const 0))))
      (local.set $k (i32.const 0))
      (block $end (loop $keys
        (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
        (local.set $q (i32.and
          (i32.trunc_f64_s (f64.mul (f64.sub (f64.load offset=5029888 (i32.shl (i32.add (local.get $k) (local.get $in)) (i32.const 3)))
                                              (local.get $lo))
                                     (local.get $scale)))
          (i32.const 0x7fff)))
        (local.set $d (i32.load8_u offset=7680 (local.get $k)))
        (local.set $a (i32.add (i32.const 4096) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $j (i32.load (local.get $a)))
        (i32.store (local.get $a) (i32.add (local.get $j) (i32.const 1)))
        (i32.store offset=2048 (i32.shl (local.get $j) (i32.const 2))
          (i32.or (i32.or (i32.shl (local.get $q) (i32.const 17)) (i32.shl (local.get $d) (i32.const 9)))
                  (local.get $k)))
        (local.set $a (i32.add (i32.const 5120) (i32.shl (i32.and (local.get $q) (i32.const 255)) (i32.const 2))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (i32.const 6144) (i32.shl (i32.shr_u (local.get $q) (i32.const 8)) (i32.const 2))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $keys)))

      ;; Bucket starts of the tof digits (the high one has 7 bits).
      (local.set $s1 (i32.const 0))
      (local.set $s2 (i32.const 0))
      (local.set $k (i32.const 0))
      (loop $prefix
        (local.set $a (i32.add (i32.const 5120) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $v (i32.load (local.get $a)))
        (i32.store (local.get $a) (local.get $s1))
        (local.set $s1 (i32.add (local.get $s1) (local.get $v)))
        (if (i32.lt_u (local.get $k) (i32.const 128))
          (then
            (local.set $v (i32.load offset=1024 (local.get $a)))
            (i32.store offset=1024 (local.get $a) (local.get $s2))
            (local.set $s2 (i32.add (local.get $s2) (local.get $v)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $prefix (i32.lt_u (local.get $k) (i32.const 256))))

    ;; The other two stable scatters: TMP -> KEY -> TMP, by tof low, tof high.
    (local.set $k (i32.const 0))
    (block $end (loop $p2
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $v (i32.load offset=2048 (i32.shl (local.get $k) (i32.const 2))))
      (local.set $a (i32.add (i32.const 5120)
                             (i32.shl (i32.and (i32.shr_u (local.get $v) (i32.const 17)) (i32.const 255))
                                      (i32.const 2))))
      (local.set $j (i32.load (local.get $a)))
      (i32.store (local.get $a) (i32.add (local.get $j) (i32.const 1)))
      (i32.store (i32.shl (local.get $j) (i32.const 2)) (local.get $v))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $p2)))
    (local.set $k (i32.const 0))
    (block $end (loop $p3
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $v (i32.load (i32.shl (local.get $k) (i32.const 2))))
      (local.set $a (i32.add (i32.const 6144) (i32.shl (i32.shr_u (local.get $v) (i32.const 25)) (i32.const 2))))
      (local.set $j (i32.load (local.get $a)))
      (i32.store (local.get $a) (i32.add (local.get $j) (i32.const 1)))
      (i32.store offset=2048 (i32.shl (local.get $j) (i32.const 2))
        (i32.add (i32.and (local.get $v) (i32.const 511)) (local.get $in)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $p3)))
    (call $clearCounts)

    ;; The walk, over the rows in TMP's order, gathering each row's tof and grid cell (PTOF, CELL)
    ;; for the later hits; ROOT, REC, ROOTS; block map; packed cells. Each hit is added to its
    ;; root's sums. Two rows out of order (their keys tied for different values): the cells set so
    ;; far are cleared, TMP is put in exact order, and the walk starts again.
    (local.set $stamp (i32.add (local.get $stampBase) (local.get $in)))
    (block $end (loop $again
    (local.set $tp (f64.const -inf))
    (local.set $gp (i32.const 0))
    (local.set $low (i32.const 0))
    (local.set $nRoots (i32.const 0))
    (local.set $k (i32.const 0))
    (loop $walk
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $r (i32.load offset=2048 (i32.shl (local.get $k) (i32.const 2))))
      (local.set $t (f64.load offset=5029888 (i32.shl (local.get $r) (i32.const 3))))
      (local.set $tt (i32.load offset=5160960 (i32.shl (local.get $r) (i32.const 2))))
      (if (i32.or (f64.gt (local.get $tp) (local.get $t))
                  (i32.and (f64.eq (local.get $tp) (local.get $t)) (i32.lt_u (local.get $gp) (local.get $tt))))
        (then
          (loop $undo
            (if (i32.lt_u (local.get $low) (local.get $k))
              (then
                (i32.store offset=805888
                  (i32.shl (i32.load offset=22528 (i32.shl (local.get $low) (i32.const 2))) (i32.const 2)) (i32.const 0))
                (local.set $low (i32.add (local.get $low) (i32.const 1)))
                (br $undo))))
          (local.set $status (i32.const 1))
          (br_if $stopAt (i32.eqz (call $insertionFix (local.get $len))))
          (br $again)))
      (local.set $tp (local.get $t))
      (local.set $gp (local.get $tt))
      (local.set $px (i32.load16_u offset=5226496 (i32.shl (local.get $r) (i32.const 1))))
      (local.set $py (i32.load16_u offset=5259264 (i32.shl (local.get $r) (i32.const 1))))
      (local.set $c (i32.add (i32.add (i32.mul (i32.add (local.get $py) (i32.const 3)) (local.get $stride)) (local.get $px))
                             (i32.const 3)))
      (f64.store offset=16384 (i32.shl (local.get $k) (i32.const 3)) (local.get $t))
      (i32.store offset=22528 (i32.shl (local.get $k) (i32.const 2)) (local.get $c))
      ;; Positions leaving the time window give up their cells, unless a later hit took them.
      (block $inside (loop $leave
        (br_if $inside (i32.ge_u (local.get $low) (local.get $k)))
        (br_if $inside (f64.lt (f64.sub (local.get $t) (f64.load offset=16384 (i32.shl (local.get $low) (i32.const 3))))
                               (local.get $maxDist)))
        (local.set $a (i32.shl (i32.load offset=22528 (i32.shl (local.get $low) (i32.const 2))) (i32.const 2)))
        (local.set $low (i32.add (local.get $low) (i32.const 1)))
        (if (i32.eq (i32.and (i32.load offset=805888 (local.get $a)) (i32.const 0x7fff)) (local.get $low))
          (then (i32.store offset=805888 (local.get $a) (i32.const 0))))
        (br $leave)))
      (i32.store offset=805888 (i32.shl (local.get $c) (i32.const 2))
        (i32.or (i32.shl (local.get $tt) (i32.const 15)) (i32.add (local.get $k) (i32.const 1))))
      (local.set $thr (i32.load offset=5439488 (i32.shl (local.get $tt) (i32.const 2))))
      ;; Ring 1, in the lanes of one vector: per cell its position + 1 when it is a candidate
      ;; (value >= thr), else 2^32 - 1; their unsigned minimum (2^32 - 1 when none).
      (local.set $vv (v128.load32_zero offset=805888 (i32.shl (i32.sub (local.get $c) (i32.const 1)) (i32.const 2))))
      (local.set $vv (v128.load32_lane offset=805888 1 (i32.shl (i32.add (local.get $c) (i32.const 1)) (i32.const 2))
                       (local.get $vv)))
      (local.set $vv (v128.load32_lane offset=805888 2 (i32.shl (i32.sub (local.get $c) (local.get $stride)) (i32.const 2))
                       (local.get $vv)))
      (local.set $vv (v128.load32_lane offset=805888 3 (i32.shl (i32.add (local.get $c) (local.get $stride)) (i32.const 2))
                       (local.get $vv)))
      (local.set $vv (v128.or (v128.and (local.get $vv) (v128.load (i32.const 7568)))
                              (i32x4.gt_s (i32x4.splat (local.get $thr)) (local.get $vv))))
      (local.set $vv (i32x4.min_u (local.get $vv)
                                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vv) (local.get $vv))))
      (local.set $vv (i32x4.min_u (local.get $vv)
                                  (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $vv) (local.get $vv))))
      (local.set $m (i32x4.extract_lane 0 (local.get $vv)))
      (local.set $prev (i32.sub (local.get $m) (i32.const 1)))
      (if (i32.eq (local.get $m) (i32.const -1))
        (then
          (local.set $prev (local.get $k))
          (local.set $stale (i32.add (local.get $stamp) (local.get $low)))
          (local.set $up (i32.add (i32.mul (i32.const 3) (local.get $stride)) (i32.const 3)))
          (local.set $down (i32.sub (i32.mul (i32.const 3) (local.get $stride)) (i32.const 3)))
          ;; The 7 x 7 neighbourhood lies in the blocks of its 4 corners (block of cell c: c >> 3
          ;; with the row's low 3 bits cleared).
          (if (i32.or
                (i32.or
                  (i32.gt_s (i32.load offset=278528 (i32.shl (i32.and (i32.shr_s (i32.sub (local.get $c) (local.get $up)) (i32.const 3))
                                                                      (i32.load (i32.const 7600))) (i32.const 2)))
                            (local.get $stale))
                  (i32.gt_s (i32.load offset=278528 (i32.shl (i32.and (i32.shr_s (i32.sub (local.get $c) (local.get $down)) (i32.const 3))
                                                                      (i32.load (i32.const 7600))) (i32.const 2)))
                            (local.get $stale)))
                (i32.or
                  (i32.gt_s (i32.load offset=278528 (i32.shl (i32.and (i32.shr_s (i32.add (local.get $c) (local.get $down)) (i32.const 3))
                                                                      (i32.load (i32.const 7600))) (i32.const 2)))
                            (local.get $stale))
                  (i32.gt_s (i32.load offset=278528 (i32.shl (i32.and (i32.shr_s (i32.add (local.get $c) (local.get $up)) (i32.const 3))
                                                                      (i32.load (i32.const 7600))) (i32.const 2)))
                            (local.get $stale))))
            (then (local.set $prev (call $searchOuter (local.get $c) (local.get $thr) (local.get $k)))))))
      (local.set $rt
        (select (local.get $k) (i32.load offset=24576 (i32.shl (local.get $prev) (i32.const 2)))
                (i32.eq (local.get $prev) (local.get $k))))
      (i32.store offset=24576 (i32.shl (local.get $k) (i32.const 2)) (local.get $rt))
      (i32.store offset=47104 (i32.shl (local.get $nRoots) (i32.const 2)) (local.get $k))
      (local.set $nRoots (i32.add (local.get $nRoots) (i32.eq (local.get $rt) (local.get $k))))
      ;; The root's sums: x*ToT, y*ToT (i64 lanes); ToT, count (adds) and max ToT (unsigned
      ;; max) in the i32 lanes of one vector; tof*ToT. A new root's start from the zero record.
      (local.set $a (i32.shl (local.get $rt) (i32.const 6)))
      (local.set $r (select (i32.const 32768) (local.get $a) (i32.eq (local.get $rt) (local.get $k))))
      (v128.store offset=5701632 (local.get $a)
        (i64x2.add (v128.load offset=5701632 (local.get $r))
                   (i64x2.extmul_low_i32x4_u
                     (i32x4.replace_lane 1 (i32x4.replace_lane 0 (local.get $zero) (local.get $px)) (local.get $py))
                     (i32x4.splat (local.get $tt)))))
      (v128.store offset=5701648 (local.get $a)
        (i32x4.max_u (i32x4.add (v128.load offset=5701648 (local.get $r)) (i32x4.replace_lane 0 (v128.load (i32.const 7552)) (local.get $tt)))
                     (i32x4.replace_lane 2 (local.get $zero) (local.get $tt))))
      (f64.store offset=5701664 (local.get $a)
        (f64.add (f64.load offset=5701664 (local.get $r)) (f64.mul (local.get $t) (f64.convert_i32_u (local.get $tt)))))
      (i32.store offset=278528
        (i32.shl (i32.and (i32.shr_s (local.get $c) (i32.const 3)) (i32.load (i32.const 7600))) (i32.const 2))
        (i32.add (i32.add (local.get $stamp) (local.get $k)) (i32.const 1)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $walk))))
    ;; Clear the cells still set.
    (block $end (loop $clear
      (br_if $end (i32.ge_u (local.get $low) (local.get $len)))
      (i32.store offset=805888
        (i32.shl (i32.load offset=22528 (i32.shl (local.get $low) (i32.const 2))) (i32.const 2)) (i32.const 0))
      (local.set $low (i32.add (local.get $low) (i32.const 1)))
      (br $clear)))

    ;; Centroids of the kept clusters in root order (emitTrigger's divisions, on the same values):
    ;; OUT columns trigger, x, y, tof, tot avg, tot max, size.
    (local.set $j (global.get $nOut))
    (local.set $k (i32.const 0))
    (block $end (loop $emit
      (br_if $end (i32.ge_u (local.get $k) (local.get $nRoots)))
      (local.set $a (i32.shl (i32.load offset=47104 (i32.shl (local.get $k) (i32.const 2))) (i32.const 6)))
      (local.set $cnt (f64.convert_i32_u (i32.load offset=5701652 (local.get $a))))
      (if (i32.eqz (f64.lt (local.get $cnt) (local.get $minSize)))
        (then
          (local.set $sum (f64.convert_i32_u (i32.load offset=5701648 (local.get $a))))
          (local.set $r (i32.shl (local.get $j) (i32.const 3)))
          (f64.store offset=49152 (local.get $r) (local.get $trig))
          (f64.store offset=81920 (local.get $r)
            (f64.div (f64.convert_i64_s (i64.load offset=5701632 (local.get $a))) (local.get $sum)))
          (f64.store offset=114688 (local.get $r)
            (f64.div (f64.convert_i64_s (i64.load offset=5701640 (local.get $a))) (local.get $sum)))
          (f64.store offset=147456 (local.get $r) (f64.div (f64.load offset=5701664 (local.get $a)) (local.get $sum)))
          (f64.store offset=180224 (local.get $r) (f64.div (local.get $sum) (local.get $cnt)))
          (f64.store offset=212992 (local.get $r) (f64.convert_i32_u (i32.load offset=5701656 (local.get $a))))
          (f64.store offset=245760 (local.get $r) (local.get $cnt))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $emit)))
    (global.set $nOut (local.get $j))
    (local.set $in (local.get $b))
    (br $triggers)))
    (global.set $next (local.get $in))
    (return (i32.const 0)))
    ;; Stopped at the trigger from row in, with its digits maybe counted.
    (call $clearCounts)
    (global.set $next (local.get $in))
    (local.get $status))

  (func $clearCounts
    (local $a i32)
    (loop $z
      (v128.store offset=4096 (local.get $a) (v128.const i64x2 0 0))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (br_if $z (i32.lt_u (local.get $a) (i32.const 3072)))))

;; clusterStreamSort.ts's insertionFix on the trigger's rows in TMP (row numbers): 0 when over
  ;; budget.
  (func $insertionFix (param $len i32) (result i32)
    (local $j i32) (local $i i32) (local $w i32) (local $r i32) (local $t f64) (local $g i32) (local $tp f64)
    (local $budget i32)
    (local.set $budget (i32.add (i32.shl (local.get $len) (i32.const 3)) (i32.const 64)))
    (local.set $j (i32.const 1))
    (block $end (loop $outer
      (br_if $end (i32.ge_u (local.get $j) (local.get $len)))
      (local.set $w (i32.load offset=2048 (i32.shl (local.get $j) (i32.const 2))))
      (local.set $t (f64.load offset=5029888 (i32.shl (local.get $w) (i32.const 3))))
      (local.set $g (i32.load offset=5160960 (i32.shl (local.get $w) (i32.const 2))))
      (local.set $i (local.get $j))
      (block $placed (loop $shift
        (br_if $placed (i32.eqz (local.get $i)))
        (local.set $r (i32.load offset=2044 (i32.shl (local.get $i) (i32.const 2))))
        (local.set $tp (f64.load offset=5029888 (i32.shl (local.get $r) (i32.const 3))))
        (br_if $placed (f64.lt (local.get $tp) (local.get $t)))
        (br_if $placed (i32.and (f64.eq (local.get $tp) (local.get $t))
                                (i32.ge_u (i32.load offset=5160960 (i32.shl (local.get $r) (i32.const 2))) (local.get $g))))
        (i32.store offset=2048 (i32.shl (local.get $i) (i32.const 2))
          (i32.load offset=2044 (i32.shl (local.get $i) (i32.const 2))))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $shift)))
      (i32.store offset=2048 (i32.shl (local.get $i) (i32.const 2)) (local.get $w))
      (local.set $budget (i32.sub (local.get $budget) (i32.sub (local.get $j) (local.get $i))))
      (if (i32.lt_s (local.get $budget) (i32.const 0)) (then (return (i32.const 0))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $outer)))
    (i32.const 1))
)
