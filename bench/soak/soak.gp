# The hostile soak's samples as one PNG of three panels, the full-disk period shaded.
# Variables set with -e:
#   csv  bench/out/soak/plot.csv (bench/report.py's soak_plot_rows: t_s, switch_rss_mb,
#        agent_rss_mb, switch_fds, agent_fds, switch_tcp_connections, calls_in_progress,
#        legit_completed_per_s, legit_failed_per_s, full_disk)
#   png  the output
set datafile separator ","
set datafile missing "NaN"
set terminal pngcairo size 960,900 font "sans,10"
set output png
set grid
set key outside right top vertical
set lmargin 10
set rmargin 30
set xrange [0:*]
set style fill transparent solid 0.15 noborder
# The full-disk band: boxes of height 1 on y2, which spans 0..1 and shows no tics.
set y2range [0:1]
unset y2tics

set multiplot layout 3,1 title "Hostile soak: slow TCP, trunk INVITE flood, full disk (shaded)"
unset xlabel
set ylabel "MB resident"
set yrange [0:*]
plot csv using 1:10 skip 1 with boxes lc rgb "#999999" notitle axes x1y2, \
     csv using 1:2 skip 1 with lines lw 2 lc rgb "#b2182b" title "switch RSS", \
     csv using 1:3 skip 1 with lines lw 2 lc rgb "#2166ac" title "agent RSS"
set ylabel "count"
plot csv using 1:10 skip 1 with boxes lc rgb "#999999" notitle axes x1y2, \
     csv using 1:4 skip 1 with lines lw 2 lc rgb "#b2182b" title "switch descriptors", \
     csv using 1:6 skip 1 with lines lw 1 dt 2 lc rgb "#f4a582" title "switch TCP connections", \
     csv using 1:5 skip 1 with lines lw 2 lc rgb "#2166ac" title "agent descriptors", \
     csv using 1:7 skip 1 with lines lw 2 lc rgb "#762a83" title "calls in progress"
set xlabel "time (s)"
set ylabel "office calls/s"
plot csv using 1:10 skip 1 with boxes lc rgb "#999999" notitle axes x1y2, \
     csv using 1:8 skip 1 with linespoints lw 2 pt 7 ps 0.5 lc rgb "#1b7837" title "completed", \
     csv using 1:9 skip 1 with linespoints lw 2 pt 7 ps 0.5 lc rgb "#d73027" title "failed"
unset multiplot
