<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../desktop_app/ui/app.py" line="117"/>
        <source>售后助手</source>
        <translation>AfterSales Assist</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../desktop_app/ui/common/banner.py" line="49"/>
        <source>关闭提示</source>
        <translation>Close message</translation>
    </message>
</context>
<context>
    <name>ChartsTab</name>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="200"/>
        <source>最近 7 天</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="201"/>
        <source>最近 30 天</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="202"/>
        <source>全部</source>
        <translation>All time</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="204"/>
        <source>按小时（48 小时）</source>
        <translation>By hour (48 hours)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="205"/>
        <source>按天（30 天）</source>
        <translation>By day (30 days)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="209"/>
        <source>统计范围：</source>
        <translation>Period:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="212"/>
        <source>负面占比：</source>
        <translation>Negative share:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="217"/>
        <source>各意图工单量</source>
        <translation>Tickets by intent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="218"/>
        <source>负面情绪占比（浅色柱：工单量）</source>
        <translation>Negative sentiment share (light bars: ticket volume)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="219"/>
        <source>待处理标记工单的等待时长</source>
        <translation>Flagged tickets still waiting, by age</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="220"/>
        <source>各坐席处理工单数（标注：中位处理时长）</source>
        <translation>Tickets handled per agent (label: median handling time)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="240"/>
        <source>&lt;1小时</source>
        <translation>&lt;1 h</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="240"/>
        <source>1–4小时</source>
        <translation>1–4 h</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="240"/>
        <source>4–24小时</source>
        <translation>4–24 h</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="240"/>
        <source>1–3天</source>
        <translation>1–3 d</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="240"/>
        <source>&gt;3天</source>
        <translation>&gt;3 d</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="247"/>
        <source>未打标</source>
        <translation>Untagged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="255"/>
        <source>（未署名）</source>
        <translation>(unsigned)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="258"/>
        <source>%1单 · 中位%2</source>
        <translation>tickets: %1 · median %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="260"/>
        <source>%1：处理 %2 单，回复 %3 条，中位处理时长 %4</source>
        <translation>%1: tickets %2, replies %3, median handling time %4</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="268"/>
        <source>处理时长：坐席每条回复距该工单此前最近一条客户消息的时间。</source>
        <translation>Handling time: from the ticket&apos;s latest earlier customer message to each agent reply.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/charts.py" line="274"/>
        <source>工单 %1 个（未打标 %2）· 区间负面占比 %3</source>
        <translation>tickets: %1 (untagged: %2) · negative share in range %3</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="46"/>
        <source>回复没有发出：工单有了新消息</source>
        <translation>Reply not sent: the ticket has new messages</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="51"/>
        <source>在你发送之前，这个工单有了 %n 条新消息，你的回复没有发出。请对照后决定怎么处理你的回复。</source>
        <translation>
            <numerusform>Before you sent, %n new message arrived on this ticket, so your reply was not sent. Compare them and decide what to do with your reply.</numerusform>
            <numerusform>Before you sent, %n new messages arrived on this ticket, so your reply was not sent. Compare them and decide what to do with your reply.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="58"/>
        <source>客户</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="59"/>
        <source>新消息</source>
        <translation>New messages</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="64"/>
        <source>你的回复</source>
        <translation>Your reply</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="71"/>
        <source>保留我的回复</source>
        <translation>Keep my reply</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="72"/>
        <source>回复留在编辑框里，修改后再发送</source>
        <translation>The reply stays in the editor; rework it, then send</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="74"/>
        <source>放弃我的回复</source>
        <translation>Discard my reply</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="75"/>
        <source>清空编辑框并删除这条草稿</source>
        <translation>Empty the editor and delete this draft</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="76"/>
        <source>复制我的回复</source>
        <translation>Copy my reply</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="77"/>
        <source>复制到剪贴板，对话框保持打开</source>
        <translation>Copy to the clipboard; the dialog stays open</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/conflict_dialog.py" line="97"/>
        <source>已复制</source>
        <translation>Copied</translation>
    </message>
</context>
<context>
    <name>ConfusionTable</name>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="67"/>
        <source>（未打标）</source>
        <translation>(untagged)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="69"/>
        <source>更正合计</source>
        <translation>Corrections</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="69"/>
        <source>模型打标</source>
        <translation>Tagged by model</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="69"/>
        <source>更正率</source>
        <translation>Correction rate</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="84"/>
        <source>模型：%1 → 坐席更正为：%2，%3 次</source>
        <translation>Model: %1 → corrected to %2, %3 times</translation>
    </message>
</context>
<context>
    <name>DraftBar</name>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_bar.py" line="38"/>
        <source>草稿里划波浪线的句子做了知识库和工单都没有依据的承诺，发送前请核实或修改</source>
        <translation>The sentences with a wavy underline promise something neither the knowledge base nor the ticket supports; check or change them before sending</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/drafting/draft_bar.py" line="91"/>
        <source>%n 句承诺无依据</source>
        <translation>
            <numerusform>%n unsupported promise</numerusform>
            <numerusform>%n unsupported promises</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_bar.py" line="41"/>
        <source>参考：</source>
        <translation>Sources:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_bar.py" line="43"/>
        <source>停止</source>
        <translation>Stop</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_bar.py" line="44"/>
        <source>停止生成，保留已生成的部分</source>
        <translation>Stop generating and keep what has been written so far</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_bar.py" line="45"/>
        <source>重新生成</source>
        <translation>Regenerate</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_bar.py" line="46"/>
        <source>重新生成 AI 草稿（已编辑的回复会先询问）</source>
        <translation>Generate the AI draft again (asks first if you have written your own text)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_bar.py" line="70"/>
        <source>AI草稿生成中…</source>
        <translation>AI draft: writing…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_bar.py" line="71"/>
        <source>AI草稿 · Tab 接受 · 编辑即接受</source>
        <translation>AI draft · Tab accepts · editing accepts</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_bar.py" line="72"/>
        <source>AI草稿（已停止）· Tab 接受 · 编辑即接受</source>
        <translation>AI draft (stopped) · Tab accepts · editing accepts</translation>
    </message>
</context>
<context>
    <name>DraftPresenter</name>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_presenter.py" line="179"/>
        <source>重新生成草稿</source>
        <translation>Regenerate the draft</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_presenter.py" line="180"/>
        <source>回复框里有您自己写的内容。用新的 AI 草稿替换它吗？</source>
        <translation>The reply box holds text you wrote. Replace it with a new AI draft?</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/draft_presenter.py" line="282"/>
        <source>AI草稿生成失败：%1</source>
        <translation>The AI draft failed: %1</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <location filename="../../desktop_app/ui/common/error_report.py" line="82"/>
        <source>售后助手出错了</source>
        <translation>AfterSales Assist ran into a problem</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/error_report.py" line="82"/>
        <source>发生了一个意外错误：%1</source>
        <translation>An unexpected error occurred: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/error_report.py" line="88"/>
        <source>打开日志文件夹</source>
        <translation>Open the log folder</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/error_report.py" line="94"/>
        <source>已保存的工作不受影响，可以继续使用；如果再次出现，请重启售后助手。详情已写入日志：%1</source>
        <translation>Work already saved is not affected and you can carry on; if it happens again, restart AfterSales Assist. The details are in the log: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/error_report.py" line="98"/>
        <source>（共 %1 个错误）</source>
        <translation>(errors in all: %1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/error_report.py" line="107"/>
        <source>错误报告</source>
        <translation>Crash report</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/error_report.py" line="108"/>
        <source>售后助手上次运行时出现了意外错误。</source>
        <translation>AfterSales Assist ran into an unexpected error the last time it ran.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/error_report.py" line="110"/>
        <source>错误报告（个人信息已脱敏）保存在：%1
可以把它发给技术支持，帮助我们修复问题。</source>
        <translation>The crash report (personal data masked) is saved at: %1
You can send it to your support team to help fix the problem.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/error_report.py" line="117"/>
        <source>打开所在文件夹</source>
        <translation>Open its folder</translation>
    </message>
</context>
<context>
    <name>FlagReasons</name>
    <message>
        <location filename="../../desktop_app/ui/common/reasons.py" line="76"/>
        <source>触发词：%1</source>
        <translation>Trigger words: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/reasons.py" line="79"/>
        <source>负面情绪（坐席标注）</source>
        <translation>Negative sentiment (set by an agent)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/reasons.py" line="80"/>
        <source>负面情绪 %1</source>
        <translation>Negative sentiment %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/reasons.py" line="84"/>
        <source>%1意图（坐席标注）</source>
        <translation>%1 intent (set by an agent)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/reasons.py" line="85"/>
        <source>%1意图 %2</source>
        <translation>%1 intent %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/reasons.py" line="91"/>
        <source>；</source>
        <translation>; </translation>
    </message>
</context>
<context>
    <name>FlaggedTableModel</name>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="54"/>
        <source>工单号</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="55"/>
        <source>严重度</source>
        <translation>Severity</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="167"/>
        <source>严重度 %1（满分 100）</source>
        <translation>Severity %1 (out of 100)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="168"/>
        <source>负面情绪 %1 × 35</source>
        <translation>Negative sentiment %1 × 35</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="169"/>
        <source>投诉意图 %1 × 20</source>
        <translation>Complaint intent %1 × 20</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="170"/>
        <source>升级词 %1 %2 × 30</source>
        <translation>Escalation words %1 %2 × 30</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="171"/>
        <source>等待 %1 × 15</source>
        <translation>Waiting %1 × 15</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="56"/>
        <source>客户</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="57"/>
        <source>标记原因</source>
        <translation>Flagged because</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="58"/>
        <source>负面分</source>
        <translation>Negative</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="59"/>
        <source>意图</source>
        <translation>Intent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="60"/>
        <source>触发词</source>
        <translation>Trigger words</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="61"/>
        <source>处理人</source>
        <translation>Assignee</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="62"/>
        <source>已等待</source>
        <translation>Waited</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="63"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="140"/>
        <source>%1（坐席）</source>
        <translation>%1 (agent)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/flagged_model.py" line="155"/>
        <source>未分配</source>
        <translation>Unassigned</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="31"/>
        <source>%1分钟</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="35"/>
        <source>%1小时%2分</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="38"/>
        <source>%1天%2小时</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="78"/>
        <source>新工单</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="79"/>
        <source>处理中</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="80"/>
        <source>待客户回复</source>
        <translation>Waiting for customer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="81"/>
        <source>已解决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="82"/>
        <source>物流配送</source>
        <translation>Logistics</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="83"/>
        <source>退货退款</source>
        <translation>Return &amp; refund</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="84"/>
        <source>换货</source>
        <translation>Exchange</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="85"/>
        <source>仅退款/补发/价保</source>
        <translation>Refund / reship / price protection</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="86"/>
        <source>维修保修</source>
        <translation>Repair &amp; warranty</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="87"/>
        <source>订单修改/取消</source>
        <translation>Order change / cancel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="88"/>
        <source>发票</source>
        <translation>Invoice</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="89"/>
        <source>商品咨询</source>
        <translation>Product question</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="90"/>
        <source>账户/支付/优惠</source>
        <translation>Account / payment / coupons</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="91"/>
        <source>投诉</source>
        <translation>Complaint</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="92"/>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="93"/>
        <source>负面</source>
        <translation>Negative</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="94"/>
        <source>中性</source>
        <translation>Neutral</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/formatting.py" line="95"/>
        <source>正面</source>
        <translation>Positive</translation>
    </message>
</context>
<context>
    <name>HealthTab</name>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="130"/>
        <source>各意图标签被坐席更正的次数（标注：更正/打标）</source>
        <translation>Corrections per intent label (label: corrected/tagged)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="132"/>
        <source>草稿编辑距离分布（字符级 Levenshtein）</source>
        <translation>Draft edit distance (character Levenshtein)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="136"/>
        <source>意图：模型标签 × 坐席更正</source>
        <translation>Intent: model label × agent correction</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="141"/>
        <source>情绪：模型标签 × 坐席更正</source>
        <translation>Sentiment: model label × agent correction</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="146"/>
        <source>回复草稿的修改</source>
        <translation>Edits to reply drafts</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="166"/>
        <source>坐席共更正 %1 次；模型打标 %2 个工单。行：模型标签，列：更正为。</source>
        <translation>%1 corrections by agents; %2 tickets tagged by the model. Rows: model label, columns: corrected to.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="182"/>
        <source>%1 条回复由生成草稿发出，原样发送 %2 条（%3）；编辑距离中位数 %4 字。</source>
        <translation>%1 replies sent from a generated draft, %2 unchanged (%3); median edit distance %4 characters.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/health.py" line="189"/>
        <source>还没有由生成草稿发出的回复。</source>
        <translation>No reply has been sent from a generated draft yet.</translation>
    </message>
</context>
<context>
    <name>ImportController</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="168"/>
        <source>正在导入 %1 …</source>
        <translation>Importing %1…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="168"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="170"/>
        <source>导入工单</source>
        <translation>Import tickets</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="190"/>
        <source>已读取 %1 行，导入 %2 个工单</source>
        <translation>Rows read: %1, tickets imported: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="208"/>
        <source>导入完成</source>
        <translation>Import finished</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="208"/>
        <source>导入已取消</source>
        <translation>Import cancelled</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="211"/>
        <source>新导入 %1 个，已存在 %2 个，跳过 %3 行。</source>
        <translation>New: %1, already present: %2, rows skipped: %3.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="219"/>
        <source>第 %1 行：%2</source>
        <translation>Row %1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="224"/>
        <source>另有 %1 行错误未列出。</source>
        <translation>Rows with errors not listed: %1.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="235"/>
        <source>无法导入</source>
        <translation>Import failed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="243"/>
        <source>导入时出错，已导入的工单会保留，再次导入同一文件不会重复。详情已写入日志。</source>
        <translation>The import failed. Tickets already imported are kept, and importing the same file again adds no duplicates. Details are in the log.</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="45"/>
        <source>没有找到工单内容（客户的问题）所在的列。文件中的列：%1。
请重新导入，并在导入对话框的“列映射”中指定哪一列是内容，例如：问题描述=text</source>
        <translation>No column holds the ticket text (the customer&apos;s question). Columns in the file: %1.
Import again and name the text column under “Column mapping” in the import dialog, for example: 问题描述=text</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="51"/>
        <source>“列映射”中的这些列在文件中找不到：%1。
请检查列名是否与文件第一行的表头完全一致。</source>
        <translation>These columns from “Column mapping” are not in the file: %1.
Check that the names match the header in the file&apos;s first line exactly.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="56"/>
        <source>“列映射”中的字段 %1 不存在。可用字段：%2</source>
        <translation>“Column mapping” names an unknown field %1. Available fields: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="61"/>
        <source>“列映射”的格式不对：每一项写成 列名=字段，多项用逗号分隔，例如：问题=text, 旺旺号=customer</source>
        <translation>“Column mapping” is not in the right form: write each entry as column=field, separated by commas, for example: 问题=text, 旺旺号=customer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="65"/>
        <source>找不到这个文件，请检查路径。</source>
        <translation>The file was not found. Please check the path.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="67"/>
        <source>不支持这种文件类型，请选择 CSV、XLSX 或 JSONL 文件。</source>
        <translation>This file type is not supported. Please choose a CSV, XLSX or JSONL file.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="69"/>
        <source>无法识别文件的文字编码。请用 UTF-8 或 GBK 编码另存为 CSV 后再导入。</source>
        <translation>The file&apos;s text encoding is not recognised. Save it as CSV in UTF-8 or GBK and import it again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="73"/>
        <source>文件是空的，没有可导入的内容。</source>
        <translation>The file is empty; there is nothing to import.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="74"/>
        <source>文件无法导入：格式不对或已损坏。详细信息见下方。</source>
        <translation>The file cannot be imported: its format is wrong or it is damaged. See the details below.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="83"/>
        <source>“列映射”中填写 %1</source>
        <translation>enter %1 under “Column mapping”</translation>
    </message>
</context>
<context>
    <name>ImportOptionsDialog</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="93"/>
        <source>导入工单</source>
        <translation>Import tickets</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="95"/>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="98"/>
        <source>可选，例如：问题=text, 旺旺号=customer</source>
        <translation>Optional, e.g. 问题=text, 旺旺号=customer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="103"/>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="104"/>
        <source>列映射</source>
        <translation>Column mapping</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="107"/>
        <source>支持 CSV、XLSX、JSONL；自动识别 UTF-8、GBK/GB18030、UTF-16 编码与淘宝/京东/拼多多常见表头。可用字段：external_id, customer, channel, created_at, text, order_id, product, status, assignee</source>
        <translation>Supports CSV, XLSX and JSONL; detects UTF-8, GBK/GB18030 and UTF-16 encodings and the usual Taobao / JD / Pinduoduo headers. Available fields: external_id, customer, channel, created_at, text, order_id, product, status, assignee</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="123"/>
        <source>工单导出 (%1);;所有文件 (*)</source>
        <translation>Ticket exports (%1);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/import_dialog.py" line="124"/>
        <source>选择工单导出文件</source>
        <translation>Choose a ticket export file</translation>
    </message>
</context>
<context>
    <name>ImportReasons</name>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="25"/>
        <source>没有工单内容</source>
        <translation>missing text</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="26"/>
        <source>时间超出范围：%1（应在 %2–%3 年之间）</source>
        <translation>time out of range: %1 (expected %2–%3)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="27"/>
        <source>不是时间：单元格是表格错误 %1</source>
        <translation>not a time: the cell holds the spreadsheet error %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="28"/>
        <source>不是时间：%1</source>
        <translation>not a time: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="29"/>
        <source>%1 超过 %2 个字符</source>
        <translation>%1 is longer than %2 characters</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="30"/>
        <source>未知状态 %1（可用：new、open、pending、resolved 或中文名称）</source>
        <translation>unknown status %1 (expected new, open, pending, resolved or their Chinese names)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="31"/>
        <source>JSON 无效：嵌套太深</source>
        <translation>invalid JSON: nested too deeply</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="32"/>
        <source>JSON 无效：数字超过 4300 位</source>
        <translation>invalid JSON: a number of more than 4,300 digits</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="33"/>
        <source>JSON 无效：%1</source>
        <translation>invalid JSON: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="34"/>
        <source>应为 JSON 对象，实际是 %1</source>
        <translation>expected a JSON object, got %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="35"/>
        <source>含有不是有效 %1 编码的字节</source>
        <translation>contains bytes that are not valid %1 text</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="36"/>
        <source>从这里起文件不是有效的 %1 文本，未读取</source>
        <translation>the file is not valid %1 text from here on; not read</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="39"/>
        <source>第 %1 行开始的引号没有闭合，一直延续了 %2 行（到第 %3 行）</source>
        <translation>a quoted field starting on line %1 is not closed: it ran on over %2 lines (to line %3)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="41"/>
        <source>有一个值含有不成对的 UTF-16 代理字符（如 \ud800）</source>
        <translation>a value holds a lone surrogate (half of a UTF-16 character, e.g. \ud800)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="42"/>
        <source>无法读取这一行（%1）</source>
        <translation>cannot read this row (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/common/import_reasons.py" line="43"/>
        <source>数据库拒绝了这一行：%1</source>
        <translation>database refused the row: %1</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="58"/>
        <source>创建主管账号</source>
        <translation>Create the supervisor account</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="58"/>
        <source>登录售后助手</source>
        <translation>Sign in to AfterSales Assist</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="60"/>
        <source>首次使用：请创建主管账号。主管登录后可以添加坐席账号。</source>
        <translation>First start: create the supervisor account. Once signed in, the supervisor can add agent accounts.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="62"/>
        <source>请输入用户名和密码。</source>
        <translation>Enter your user name and password.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="77"/>
        <source>创建并登录</source>
        <translation>Create and sign in</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="77"/>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="78"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="84"/>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="85"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="87"/>
        <source>至少 %1 个字符</source>
        <translation>at least %1 characters</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="88"/>
        <source>确认密码</source>
        <translation>Confirm password</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="102"/>
        <source>请输入用户名。</source>
        <translation>Enter a user name.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="109"/>
        <source>两次输入的密码不一致。</source>
        <translation>The passwords do not match.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="112"/>
        <source>请输入密码。</source>
        <translation>Enter the password.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="147"/>
        <source>该账号已停用，请联系主管。</source>
        <translation>This account is disabled; ask a supervisor.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="148"/>
        <source>用户名或密码错误。</source>
        <translation>Wrong user name or password.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="152"/>
        <source>该用户名已存在。</source>
        <translation>This user name is taken.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="155"/>
        <source>无法登录：%1</source>
        <translation>Cannot sign in: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="158"/>
        <source>密码至少 %1 个字符。</source>
        <translation>The password needs at least %1 characters.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs/login_dialog.py" line="172"/>
        <source>正在验证…</source>
        <translation>Checking…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="397"/>
        <source>领取下一个工单失败：%1</source>
        <translation>Could not claim the next ticket: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="71"/>
        <source>售后助手 AfterSales Assist</source>
        <translation>AfterSales Assist</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="135"/>
        <source>数据库：%1</source>
        <translation>Database: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="137"/>
        <source>坐席：%1</source>
        <translation>Agent: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="137"/>
        <source>主管：%1</source>
        <translation>Supervisor: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="139"/>
        <source>智能标签：加载中…</source>
        <translation>Smart tags: loading…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="140"/>
        <source>AI草稿：加载中…</source>
        <translation>AI drafts: loading…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="156"/>
        <source>队列读取失败：%1</source>
        <translation>Could not load the queue: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="194"/>
        <source>导入工单…</source>
        <translation>Import tickets…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="195"/>
        <source>下一个待处理</source>
        <translation>Next unhandled</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="196"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="197"/>
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="198"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="199"/>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="493"/>
        <source>快捷键</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="200"/>
        <source>切换用户…</source>
        <translation>Switch user…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="201"/>
        <source>退出登录</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="203"/>
        <source>工具栏</source>
        <translation>Toolbar</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="208"/>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="212"/>
        <source>队列</source>
        <translation>Queue</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="215"/>
        <source>账户</source>
        <translation>Account</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="218"/>
        <source>帮助</source>
        <translation>Help</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="231"/>
        <source>智能标签：%1</source>
        <translation>Smart tags: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="239"/>
        <source>智能标签已停用：%1</source>
        <translation>Smart tags are off: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="242"/>
        <source>队列、回复和导入照常可用。把标签模型放到 models/tagger（或用环境变量 %1 指定文件夹）后重启。</source>
        <translation>The queue, replies and imports work as usual. Put the tagger model in models/tagger (or name its folder in the %1 environment variable) and restart.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="246"/>
        <source>智能标签：已停用</source>
        <translation>Smart tags: off</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="279"/>
        <source>智能标签出错：%1</source>
        <translation>Smart tagging failed: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="299"/>
        <source>AI草稿：%1</source>
        <translation>AI drafts: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="309"/>
        <source>AI草稿已关闭：%1</source>
        <translation>AI drafts are off: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="311"/>
        <source>回复照常手写。把草稿模型放到 models/drafter（或用环境变量 %1 指定文件夹）后重启。</source>
        <translation>Write replies by hand as usual. Put the drafter model in models/drafter (or name its folder in the %1 environment variable) and restart.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="316"/>
        <source>AI草稿：已关闭</source>
        <translation>AI drafts: off</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="353"/>
        <source>工作台</source>
        <translation>Workstation</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="363"/>
        <source>主管台</source>
        <translation>Supervisor desk</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="416"/>
        <source>没有待处理的工单了 🎉</source>
        <translation>No unhandled tickets left 🎉</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="495"/>
        <source>↑/↓  在队列中移动
Enter  打开工单并开始回复
/  搜索
Ctrl+N  下一个待处理工单
Ctrl+Enter  发送回复
Tab  接受 AI 草稿（草稿标记显示时）
Esc  从回复框回到队列
F5  刷新
Ctrl+I  导入工单</source>
        <translation>↑/↓  Move through the queue
Enter  Open the ticket and start replying
/  Search
Ctrl+N  Next unhandled ticket
Ctrl+Enter  Send the reply
Tab  Accept the AI draft (while it is marked)
Esc  Back from the reply box to the queue
F5  Refresh
Ctrl+I  Import tickets</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="531"/>
        <source>正在保存并关闭，请稍候…</source>
        <translation>Saving and closing, please wait…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/main_window.py" line="608"/>
        <source>草稿未能保存</source>
        <translation>Draft not saved</translation>
    </message>
</context>
<context>
    <name>PresenceIndicator</name>
    <message>
        <location filename="../../desktop_app/ui/workstation/presence_indicator.py" line="106"/>
        <source>%1 正在处理</source>
        <translation>%1 is working on it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/presence_indicator.py" line="106"/>
        <source>、</source>
        <translation>, </translation>
    </message>
</context>
<context>
    <name>QueuePanel</name>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_panel.py" line="54"/>
        <source>搜索内容、客户、订单号（按 / 聚焦）</source>
        <translation>Search text, customer, order no. (press / to focus)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_panel.py" line="57"/>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_panel.py" line="58"/>
        <source>待处理（新+处理中）</source>
        <translation>Unhandled (New + Open)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_panel.py" line="62"/>
        <source>全部意图</source>
        <translation>All intents</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_panel.py" line="66"/>
        <source>全部情绪</source>
        <translation>All sentiments</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_panel.py" line="69"/>
        <source>仅看标记</source>
        <translation>Flagged only</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_panel.py" line="121"/>
        <source>没有符合条件的工单。按 Esc 清除搜索，或放宽筛选条件。</source>
        <translation>No tickets match. Press Esc to clear the search, or widen the filters.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/workstation/queue_panel.py" line="221"/>
        <source>共 %n 个工单</source>
        <translation>
            <numerusform>%n ticket</numerusform>
            <numerusform>%n tickets</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_panel.py" line="223"/>
        <source>%1+ 个工单</source>
        <translation>%1+ tickets</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_panel.py" line="226"/>
        <source>第 %1 / %2 页</source>
        <translation>Page %1 / %2</translation>
    </message>
</context>
<context>
    <name>QueueTableModel</name>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_model.py" line="62"/>
        <source>工单号</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_model.py" line="63"/>
        <source>客户</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_model.py" line="64"/>
        <source>渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_model.py" line="65"/>
        <source>问题</source>
        <translation>Issue</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_model.py" line="66"/>
        <source>意图</source>
        <translation>Intent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_model.py" line="67"/>
        <source>情绪</source>
        <translation>Sentiment</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_model.py" line="68"/>
        <source>标记</source>
        <translation>Flag</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_model.py" line="69"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_model.py" line="70"/>
        <source>处理人</source>
        <translation>Assignee</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_model.py" line="71"/>
        <source>等待时长</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/queue_model.py" line="72"/>
        <source>更新时间</source>
        <translation>Updated</translation>
    </message>
</context>
<context>
    <name>ReassignDialog</name>
    <message>
        <location filename="../../desktop_app/ui/supervisor/dialogs.py" line="17"/>
        <source>转派工单</source>
        <translation>Reassign ticket</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/dialogs.py" line="25"/>
        <source>（取消分配）</source>
        <translation>(unassign)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/dialogs.py" line="28"/>
        <source>例如：客户要求换人、坐席下班</source>
        <translation>e.g. customer asked for someone else, agent off shift</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/dialogs.py" line="32"/>
        <source>未分配</source>
        <translation>Unassigned</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/dialogs.py" line="34"/>
        <source>工单 %1，当前处理人：%2</source>
        <translation>Ticket %1, now held by: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/dialogs.py" line="35"/>
        <source>转给：</source>
        <translation>To:</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/dialogs.py" line="36"/>
        <source>原因：</source>
        <translation>Reason:</translation>
    </message>
</context>
<context>
    <name>ReplyEditor</name>
    <message>
        <location filename="../../desktop_app/ui/drafting/reply_editor.py" line="109"/>
        <source>未在知识库中找到依据</source>
        <translation>No support found in the knowledge base</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/reply_editor.py" line="59"/>
        <source>在此输入回复……（Ctrl+Enter 发送，Esc 返回队列）</source>
        <translation>Type your reply here… (Ctrl+Enter to send, Esc to return to the queue)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/reply_editor.py" line="60"/>
        <source>发送</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/reply_editor.py" line="61"/>
        <source>发送回复 (Ctrl+Enter)</source>
        <translation>Send reply (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/drafting/reply_editor.py" line="272"/>
        <source>正在编辑……</source>
        <translation>Editing…</translation>
    </message>
</context>
<context>
    <name>RevealDialog</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs/reveal_dialog.py" line="22"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>SupervisorDesk</name>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="126"/>
        <source>转派…</source>
        <translation>Reassign…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="127"/>
        <source>我来接手</source>
        <translation>Take over</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="128"/>
        <source>取消标记…</source>
        <translation>Unflag…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="129"/>
        <source>导出…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="130"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="131"/>
        <source>把选中的工单转给另一位坐席</source>
        <translation>Give the selected ticket to another agent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="132"/>
        <source>由你来处理选中的工单</source>
        <translation>Handle the selected ticket yourself</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="133"/>
        <source>确认无需关注后取消标记（须填写原因）</source>
        <translation>Clear the flag once no attention is needed (a reason is required)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="134"/>
        <source>把当前列表导出为 CSV 或 Excel</source>
        <translation>Export this list to CSV or Excel</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="151"/>
        <source>标记队列</source>
        <translation>Flagged queue</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="152"/>
        <source>图表</source>
        <translation>Charts</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="153"/>
        <source>模型健康</source>
        <translation>Model health</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="272"/>
        <source>读取数据失败：%1</source>
        <translation>Could not read the data: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="288"/>
        <source>显示最严重的 %n 个标记工单 · 更新于 %1</source>
        <translation>
            <numerusform>Showing the %n most severe flagged ticket · updated %1</numerusform>
            <numerusform>Showing the %n most severe flagged tickets · updated %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="290"/>
        <source>共 %n 个标记工单 · 更新于 %1</source>
        <translation>
            <numerusform>%n flagged ticket · updated %1</numerusform>
            <numerusform>%n flagged tickets · updated %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="457"/>
        <source>已导出 %n 行到 %1</source>
        <translation>
            <numerusform>Exported %n row to %1</numerusform>
            <numerusform>Exported %n rows to %1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="404"/>
        <source>已把工单 %1 转给 %2</source>
        <translation>Ticket %1 reassigned to %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="406"/>
        <source>已取消工单 %1 的分配</source>
        <translation>Ticket %1 unassigned</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="408"/>
        <source>转派</source>
        <translation>Reassign</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="415"/>
        <source>已接手工单 %1</source>
        <translation>You took over ticket %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="416"/>
        <source>接手</source>
        <translation>Take over</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="424"/>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="437"/>
        <source>取消标记</source>
        <translation>Unflag</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="425"/>
        <source>取消工单 %1 的标记的原因（必填）：</source>
        <translation>Why unflag ticket %1 (required):</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="433"/>
        <source>取消标记须填写原因，工单 %1 仍保持标记。</source>
        <translation>Unflagging needs a reason; ticket %1 stays flagged.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="436"/>
        <source>已取消工单 %1 的标记</source>
        <translation>Ticket %1 unflagged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="443"/>
        <source>CSV 文件 (*.csv)</source>
        <translation>CSV file (*.csv)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="443"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="446"/>
        <source>导出标记工单</source>
        <translation>Export flagged tickets</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="458"/>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="474"/>
        <source>这个工单刚被其他人更新过，已重新载入最新内容，请确认后再试</source>
        <translation>someone else has just changed this ticket; it was reloaded, please check it and try again</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/supervisor/desk.py" line="477"/>
        <source>%1失败：%2</source>
        <translation>%1 failed: %2</translation>
    </message>
</context>
<context>
    <name>TicketPane</name>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="398"/>
        <source>%1 正在处理</source>
        <translation>%1 is working on it</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="199"/>
        <source>请选择左侧的工单</source>
        <translation>Select a ticket on the left</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="211"/>
        <source>订单信息</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="213"/>
        <source>订单号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="214"/>
        <source>商品</source>
        <translation>Product</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="215"/>
        <source>创建时间</source>
        <translation>Created</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="216"/>
        <source>已等待</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="226"/>
        <source>智能标签</source>
        <translation>Smart tags</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="228"/>
        <source>意图</source>
        <translation>Intent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="229"/>
        <source>情绪</source>
        <translation>Sentiment</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="230"/>
        <source>主管关注</source>
        <translation>Flag</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="238"/>
        <source>领取</source>
        <translation>Take</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="239"/>
        <source>把工单分配给我</source>
        <translation>Assign this ticket to me</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="240"/>
        <source>释放</source>
        <translation>Release</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="241"/>
        <source>取消分配，放回公共队列</source>
        <translation>Unassign and return it to the shared queue</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="246"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="249"/>
        <source>处理人</source>
        <translation>Assignee</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="254"/>
        <source>显示原文</source>
        <translation>Show original</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="255"/>
        <source>查看未脱敏的原始内容（仅主管；每次查看都记入审计日志）</source>
        <translation>Show the original, unmasked text (supervisors only; every view is written to the audit log)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="362"/>
        <source>已恢复 %1 保存的草稿</source>
        <translation>Restored the draft saved at %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="373"/>
        <source>这个工单已不存在，可能已被删除。</source>
        <translation>This ticket no longer exists; it may have been deleted.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="376"/>
        <source>无法打开工单，请稍后重试（详情已写入日志）。</source>
        <translation>The ticket could not be opened. Please try again later (details are in the log).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="693"/>
        <source>回复没有发出</source>
        <translation>the reply was not sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="694"/>
        <source>状态没有改成功</source>
        <translation>the status was not changed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="695"/>
        <source>处理人没有改成功</source>
        <translation>the assignee was not changed</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="696"/>
        <source>标签更正没有保存</source>
        <translation>the tag correction was not saved</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="711"/>
        <source>这个工单刚被其他人更新过，回复没有发出。您的回复仍在编辑框里。</source>
        <translation>Someone else just updated this ticket, so the reply was not sent. Your reply is still in the editor.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="717"/>
        <source>这个工单刚被其他人更新过，%1，已重新载入最新内容。</source>
        <translation>Someone else has just updated this ticket, so %1. It has been reloaded.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="719"/>
        <source>您的回复仍在编辑框里，请确认后再发送。</source>
        <translation> Your reply is still in the editor; please check it before sending again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="721"/>
        <source>请确认后再试一次。</source>
        <translation> Please check it and try again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="724"/>
        <source>工单 %1 刚被其他人更新过，%2。</source>
        <translation>Someone else has just updated ticket %1, so %2.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="726"/>
        <source>回复仍保存在该工单的草稿里，请回到该工单确认后再发送。</source>
        <translation> The reply is kept as that ticket&apos;s draft; go back to it, check it and send again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="729"/>
        <source>%1 正在处理工单 %2，领取没有成功。</source>
        <translation>%1 is working on ticket %2; it was not taken.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="734"/>
        <source>工单 %1 已不存在，%2。</source>
        <translation>Ticket %1 no longer exists, so %2.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="737"/>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="743"/>
        <source>%1，请稍后重试（详情已写入日志）。</source>
        <translation>Something went wrong: %1. Please try again later (details are in the log).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="745"/>
        <source>您的回复仍在编辑框里。</source>
        <translation> Your reply is still in the editor.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="749"/>
        <source>工单 %1：%2，请稍后重试（详情已写入日志）。</source>
        <translation>Ticket %1: %2. Please try again later (details are in the log).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="769"/>
        <source>这个工单刚被其他人更新过（没有新消息），回复没有发出。您的回复仍在编辑框里，请确认后再发送。</source>
        <translation>Someone else just updated this ticket (no new messages), so the reply was not sent. Your reply is still in the editor; check it and send again.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="782"/>
        <source>已放弃你的回复</source>
        <translation>Your reply was discarded</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="791"/>
        <source>您的回复仍在编辑框里：已对照新消息，修改后再发送。</source>
        <translation>Your reply is still in the editor: rework it against the new messages, then send.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="853"/>
        <source>以下为未脱敏的原始内容。本次查看已记入审计日志（%1，%2）。请勿截图或外传。</source>
        <translation>This is the original, unmasked text. This view has been written to the audit log (%1, %2). Do not screenshot or share it.</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="857"/>
        <source>原文：%1</source>
        <translation>Original: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="873"/>
        <source>无法显示原文，请稍后重试（详情已写入日志）。</source>
        <translation>The original text could not be shown. Please try again later (details are in the log).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="387"/>
        <source>匿名客户</source>
        <translation>Anonymous customer</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="395"/>
        <source>未分配</source>
        <translation>Unassigned</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="420"/>
        <source>更正</source>
        <translation>Correct</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="421"/>
        <source>标签不对？选择正确的标签（会记录下来用于改进模型）</source>
        <translation>Wrong tag? Pick the right one (it is recorded to improve the model)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="434"/>
        <source>未标注（排队等待模型）</source>
        <translation>Not tagged yet (queued for the model)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="436"/>
        <source>未标注（智能标签已停用）</source>
        <translation>Not tagged (smart tags are off)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="437"/>
        <source>未标注（模型加载中）</source>
        <translation>Not tagged yet (model loading)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="440"/>
        <source>（坐席更正）</source>
        <translation> (corrected by agent)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="446"/>
        <source>；模型：%1</source>
        <translation>; model: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="460"/>
        <source>⚑ 已标记</source>
        <translation>⚑ Flagged</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="460"/>
        <source>⚑ 已标记：%1</source>
        <translation>⚑ Flagged: %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="463"/>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="513"/>
        <source>已更正为「%1」，感谢反馈</source>
        <translation>Corrected to “%1”, thanks for the feedback</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="611"/>
        <source>草稿已自动保存 %1</source>
        <translation>Draft autosaved at %1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="617"/>
        <source>草稿没有保存成功，稍后会自动重试（详情已写入日志）。</source>
        <translation>The draft was not saved; it will be retried shortly (details are in the log).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="619"/>
        <source>工单 %1 的草稿没有保存成功（详情已写入日志）。</source>
        <translation>The draft of ticket %1 was not saved (details are in the log).</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="685"/>
        <source>已发送</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/workstation/ticket_pane.py" line="688"/>
        <source>回复已发送：%1</source>
        <translation>Reply sent: %1</translation>
    </message>
</context>
</TS>
